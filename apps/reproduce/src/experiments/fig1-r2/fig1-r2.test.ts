import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { fig1R2Box, fig1R2Sphere, summarizeLayerR2, type Fig1R2Config, type LayerR2Run } from './index.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const tiny = ['evalSamples=200', 'train.steps=10', 'train.batchSize=32', 'encoder.hiddenWidths=[12,12]', 'generator.thresholdDraws=50']

describe('fig1-r2', () => {
  it('sphere: runs end to end at small scale with one R² row per tap and the two claims', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-r2-')), 'run')
    const err: string[] = []
    const code = await main(['run', 'fig1-r2-sphere', '--backend', 'cpu', '--out', out, ...tiny.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(['sphere-control-learns-style', 'sphere-collapse-last-layer', 'sphere-fix-alleviates', 'sphere-output-spectrum-collapse'])
    const runs = (result.metrics as { runs: LayerR2Run[] }).runs
    expect(runs.map((r) => r.variant)).toEqual(['τ_c = τ_s', 'd_c = 0 (control)', 'τ_c < τ_s', 'τ_c < τ_s, w/o ℓ2-norm'])
    // taps: two hidden layers, the output, and the normalised output where the sphere variant normalises
    expect(runs[0]!.layers.map((l) => l.width)).toEqual([12, 12, 10, 10])
    expect(runs[3]!.layers.map((l) => l.width)).toEqual([12, 12, 10])
    // the control has no content dims: its content R² is undefined (NaN → null in JSON)
    expect(runs[1]!.layers[0]!.content).toBeNull()
    for (const l of runs.flatMap((r) => r.layers)) expect(l.style).toBeLessThanOrEqual(1)
    expect(readFileSync(path.join(out, 'fig1-r2-sphere.svg'), 'utf8')).toMatch(/adjusted R²/)
    // one output spectrum per run: d values, descending, the largest normalised to 1
    for (const r of runs) {
      expect(r.outputSpectrum).toHaveLength(10)
      expect(r.outputSpectrum[0]).toBeCloseTo(1, 12)
      for (let k = 1; k < 10; k++) expect(r.outputSpectrum[k]!).toBeLessThanOrEqual(r.outputSpectrum[k - 1]! + 1e-12)
    }
    expect(readFileSync(path.join(out, 'fig1-r2-sphere-output-spectrum.svg'), 'utf8')).toMatch(/normalised singular value/)
  })

  it('validates the config', () => {
    expect(() => resolveConfig(fig1R2Box, 'quick', { contentDims: 10 })).toThrow(/invalid config\.contentDims/)
    expect(() => resolveConfig(fig1R2Box, 'quick', { variants: [] })).toThrow(/invalid config\.variants/)
    expect(() => resolveConfig(fig1R2Box, 'quick', { encoder: { weightInit: 'xavier' } })).toThrow(/invalid config\.encoder\.weightInit/)
    const noControl = [0, 1, 2].map((i) => ({ name: `v${i}`, tauContent: 1, normalize: false }))
    expect(() => resolveConfig(fig1R2Box, 'quick', { variants: noControl })).toThrow(/invalid config\.variants: expected a control variant/)
  })

  it('claims fail when the last layer keeps style or the fix does not help', async () => {
    const config = fig1R2Box.presets.quick as Fig1R2Config
    const run = (variant: string, styles: number[]): LayerR2Run => ({
      variant,
      seed: 0,
      finalLoss: 1,
      lossHistory: [],
      layers: styles.map((style, i) => ({ name: `l${i}`, width: 4, content: 0.99, style })),
      // d = 10 values, as the config's dims (the style block reads the 8 smallest)
      outputSpectrum: [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
    })
    const control = run('d_c = 0 (control)', [0.9, 0.9, 0.88])
    const collapsedFixed = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), control, run('τ_c < τ_s', [0.9, 0.9, 0.7])])
    expect(collapsedFixed.claims.map((c) => c.holds)).toEqual([true, true, true, false])
    const neither = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.88]), control, run('τ_c < τ_s', [0.9, 0.9, 0.9])])
    expect(neither.claims.map((c) => c.holds)).toEqual([true, false, false, false])
    // a drop that the no-content control shows as well is not content suppressing style
    const alsoInControl = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), run('d_c = 0 (control)', [0.9, 0.9, 0.35]), run('τ_c < τ_s', [0.9, 0.9, 0.7])])
    expect(alsoInControl.claims.map((c) => c.holds)).toEqual([false, false, true, false])
    // the spectrum claim: style block of the output spectrum (8 smallest of 10) vs the control's
    const withSpectrum = (r: LayerR2Run, spectrum: number[]): LayerR2Run => ({ ...r, outputSpectrum: spectrum })
    const flat = [1, 0.95, 0.9, 0.9, 0.85, 0.85, 0.8, 0.8, 0.75, 0.7]
    const suppressed = [1, 0.9, 0.2, 0.2, 0.15, 0.15, 0.1, 0.1, 0.05, 0.05]
    const spectral = await summarizeLayerR2('box', config, [withSpectrum(run('τ_c = τ_s', [0.9, 0.9, 0.88]), suppressed), withSpectrum(control, flat), run('τ_c < τ_s', [0.9, 0.9, 0.9])])
    expect(spectral.claims.map((c) => [c.id, c.holds])).toEqual([
      ['box-control-learns-style', true],
      ['box-collapse-last-layer', false],
      ['box-fix-alleviates', false],
      ['box-output-spectrum-collapse', true],
    ])
    expect(spectral.claims[3]!.measured).toBe(((0.2 + 0.2 + 0.15 + 0.15 + 0.1 + 0.1 + 0.05 + 0.05) / 8).toFixed(3))
    const notSuppressed = await summarizeLayerR2('box', config, [withSpectrum(run('τ_c = τ_s', [0.9, 0.9, 0.88]), flat), withSpectrum(control, flat), run('τ_c < τ_s', [0.9, 0.9, 0.9])])
    expect(notSuppressed.claims[3]!.holds).toBe(false)
    expect(spectral.figures.map((f) => f.name)).toEqual(['fig1-r2-box', 'fig1-r2-box-output-spectrum'])
    // the style/content (strokeDash) legend draws visible line symbols
    expect(spectral.figures[0]!.svg).toMatch(/role-legend-symbol[^>]*><path[^>]*stroke="#444"[^>]*stroke-dasharray/)
    void fig1R2Sphere
  })
})
