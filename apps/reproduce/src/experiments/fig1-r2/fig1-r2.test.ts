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
    expect(result.claims.map((c) => c.id)).toEqual(['sphere-control-learns-style', 'sphere-collapse-last-layer', 'sphere-fix-alleviates', 'sphere-output-spectrum-collapse', 'sphere-adaptive-alleviates'])
    const runs = (result.metrics as { runs: LayerR2Run[] }).runs
    expect(runs.map((r) => r.variant)).toEqual(['τ_c = τ_s', 'd_c = 0 (control)', 'τ_c < τ_s', 'τ_c < τ_s, w/o ℓ2-norm', 'adaptive τ_c, w/o ℓ2-norm'])
    // taps: two hidden layers, the output, and the normalised output where the sphere variant normalises
    expect(runs[0]!.layers.map((l) => l.width)).toEqual([12, 12, 10, 10])
    expect(runs[3]!.layers.map((l) => l.width)).toEqual([12, 12, 10])
    // the adaptive variant is trained like the fix (w/o ℓ2-norm), with τ from the covariances (dot products)
    expect(runs[4]!.layers.map((l) => l.width)).toEqual([12, 12, 10])
    expect(runs.map((r) => r.adaptive?.source)).toEqual([undefined, undefined, undefined, undefined, 'covariance'])
    expect(runs[4]!.adaptive!.updates).toBe(1)
    expect(runs[4]!.adaptive!.tau).toHaveLength(10)
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/\| adaptive τ_c, w\/o ℓ2-norm \|/)
    expect(readFileSync(path.join(out, 'fig1-r2-sphere.svg'), 'utf8')).toMatch(/adaptive τ_c, w\/o ℓ2-norm/)
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
    expect(() => resolveConfig(fig1R2Box, 'quick', { adaptive: { name: 'τ_c < τ_s' } })).toThrow(/^invalid config\.adaptive\.name: expected a name no variant has/)
    expect(() => resolveConfig(fig1R2Box, 'quick', { adaptive: { floor: 1.5 } })).toThrow(/^invalid config\.adaptive\.floor: expected floor ≤ tauStyle = 1/)
    expect(() => resolveConfig(fig1R2Sphere, 'quick', { adaptive: { momentum: -0.1 } })).toThrow(/^invalid config\.adaptive\.momentum/)
    expect(() => resolveConfig(fig1R2Sphere, 'quick', { adaptive: { updateEvery: 0 } })).toThrow(/^invalid config\.adaptive\.updateEvery/)
    expect(() => resolveConfig(fig1R2Sphere, 'quick', { adaptive: { reading: 'scale' } })).toThrow(/^invalid config\.adaptive\.reading/)
    expect(resolveConfig(fig1R2Sphere, 'paper', {}).adaptive).toEqual({ enabled: true, name: 'adaptive τ_c, w/o ℓ2-norm', reading: 'representation', floor: 0.01, updateEvery: 10, momentum: 0.9, source: 'auto' })
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
    const adaptive = (styles: number[]): LayerR2Run => ({
      ...run('adaptive τ_c', styles),
      adaptive: { tau: [0.01, 0.01, 1, 1, 1, 1, 1, 1, 1, 1], source: 'gradient', updates: 300, lastContentDims: 2, contentDimsCounts: [0, 3, 297, 0, 0, 0, 0, 0, 0, 0], lastTauContentRaw: 0.0004, fallbacks: 2 },
    })
    const collapsedFixed = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), control, run('τ_c < τ_s', [0.9, 0.9, 0.7]), adaptive([0.9, 0.9, 0.7])])
    expect(collapsedFixed.claims.map((c) => c.holds)).toEqual([true, true, true, false, true])
    expect(collapsedFixed.claims[4]!).toMatchObject({ id: 'box-adaptive-alleviates', expected: 'output style R² ≥ τ_c = τ_s output style R² + 0.05 (0.350)', measured: '0.700' })
    expect(collapsedFixed.reportMarkdown).toMatch(/\| 0 \| 300 \| 0 3 297 0 0 0 0 0 0 0 \| 2 \| 0\.000400 \| 0\.010 0\.010 1\.0 1\.0 1\.0 1\.0 1\.0 1\.0 1\.0 1\.0 \| 2 \|/)
    expect(collapsedFixed.figures[0]!.svg).toMatch(/adaptive τ_c/)
    // the adaptive claim reads the adaptive variant only: fixed τ_c helps, adaptive τ does not (and the reverse)
    const onlyFixed = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), control, run('τ_c < τ_s', [0.9, 0.9, 0.7]), adaptive([0.9, 0.9, 0.32])])
    expect(onlyFixed.claims.map((c) => c.holds)).toEqual([true, true, true, false, false])
    const onlyAdaptive = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), control, run('τ_c < τ_s', [0.9, 0.9, 0.32]), adaptive([0.9, 0.9, 0.7])])
    expect(onlyAdaptive.claims.map((c) => c.holds)).toEqual([true, true, false, false, true])
    const neither = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.88]), control, run('τ_c < τ_s', [0.9, 0.9, 0.9]), adaptive([0.9, 0.9, 0.9])])
    expect(neither.claims.map((c) => c.holds)).toEqual([true, false, false, false, false])
    // a drop that the no-content control shows as well is not content suppressing style
    const alsoInControl = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), run('d_c = 0 (control)', [0.9, 0.9, 0.35]), run('τ_c < τ_s', [0.9, 0.9, 0.7]), adaptive([0.9, 0.9, 0.7])])
    expect(alsoInControl.claims.map((c) => c.holds)).toEqual([false, false, true, false, true])
    // without the adaptive run in the results the claim fails (it does not vanish); disabled, it is not made
    const missing = await summarizeLayerR2('box', config, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), control, run('τ_c < τ_s', [0.9, 0.9, 0.7])])
    expect(missing.claims.map((c) => c.holds)).toEqual([true, true, true, false, false])
    const disabled = await summarizeLayerR2('box', { ...config, adaptive: { ...config.adaptive!, enabled: false } }, [run('τ_c = τ_s', [0.9, 0.9, 0.3]), control, run('τ_c < τ_s', [0.9, 0.9, 0.7])])
    expect(disabled.claims.map((c) => c.id)).toEqual(['box-control-learns-style', 'box-collapse-last-layer', 'box-fix-alleviates', 'box-output-spectrum-collapse'])
    // the spectrum claim: style block of the output spectrum (8 smallest of 10) vs the control's
    const withSpectrum = (r: LayerR2Run, spectrum: number[]): LayerR2Run => ({ ...r, outputSpectrum: spectrum })
    const flat = [1, 0.95, 0.9, 0.9, 0.85, 0.85, 0.8, 0.8, 0.75, 0.7]
    const suppressed = [1, 0.9, 0.2, 0.2, 0.15, 0.15, 0.1, 0.1, 0.05, 0.05]
    const spectral = await summarizeLayerR2('box', config, [withSpectrum(run('τ_c = τ_s', [0.9, 0.9, 0.88]), suppressed), withSpectrum(control, flat), run('τ_c < τ_s', [0.9, 0.9, 0.9]), adaptive([0.9, 0.9, 0.9])])
    expect(spectral.claims.map((c) => [c.id, c.holds])).toEqual([
      ['box-control-learns-style', true],
      ['box-collapse-last-layer', false],
      ['box-fix-alleviates', false],
      ['box-output-spectrum-collapse', true],
      ['box-adaptive-alleviates', false],
    ])
    expect(spectral.claims[3]!.measured).toBe(((0.2 + 0.2 + 0.15 + 0.15 + 0.1 + 0.1 + 0.05 + 0.05) / 8).toFixed(3))
    const notSuppressed = await summarizeLayerR2('box', config, [withSpectrum(run('τ_c = τ_s', [0.9, 0.9, 0.88]), flat), withSpectrum(control, flat), run('τ_c < τ_s', [0.9, 0.9, 0.9]), adaptive([0.9, 0.9, 0.9])])
    expect(notSuppressed.claims[3]!.holds).toBe(false)
    expect(spectral.figures.map((f) => f.name)).toEqual(['fig1-r2-box', 'fig1-r2-box-output-spectrum'])
    // the style/content (strokeDash) legend draws visible line symbols
    expect(spectral.figures[0]!.svg).toMatch(/role-legend-symbol[^>]*><path[^>]*stroke="#444"[^>]*stroke-dasharray/)
    void fig1R2Sphere
  })
})
