import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { spectrumDistance, styleBlockMean } from '@cl/metrics'
import { adaptiveSource } from './adaptive.js'
import { fig1Spectrum, grid, summarizeSpectra, type Fig1SpectrumConfig, type SpectrumRun } from './index.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('fig1-spectrum', () => {
  it('runs end to end at small scale: one collapse and one restore claim per d_c > 0 and space, two figures', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-f1-')), 'run')
    const err: string[] = []
    const sets = ['contentDims=[0,2]', 'dims=4', 'generator.thresholdDraws=50', 'spaces.box.train.steps=20', 'spaces.box.train.batchSize=32', 'spaces.sphere.train.steps=20', 'spaces.sphere.train.batchSize=32']
    const code = await main(['run', 'fig1-spectrum', '--backend', 'cpu', '--out', out, ...sets.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    const perSpace = (s: string) => [`${s}-reference-flat`, `${s}-dc2-collapse`, `${s}-prop3-collapse-without-tau`, `${s}-prop3-tau-restores`, `${s}-adaptive-tau-restores`]
    expect(result.claims.map((c) => c.id)).toEqual([...perSpace('box'), ...perSpace('sphere')])
    const runs = (result.metrics as { runs: SpectrumRun[] }).runs
    // per space: the sweep (d_c 0, 2), the Prop. 3 pair, the δ control and the adaptive-τ run; on the sphere also the
    // τ_c run w/o ℓ2-norm (the adaptive run is w/o ℓ2-norm there too)
    expect(runs).toHaveLength(13)
    expect(runs.filter((r) => r.normalized === false && r.space === 'sphere').map((r) => [r.contentDims, r.contentSigma, r.adaptive === undefined])).toEqual([[2, 0.005, true], [2, 0.005, false]])
    expect(runs.filter((r) => r.space === 'sphere' && r.normalized === true)).toHaveLength(5)
    const adaptive = runs.filter((r) => r.adaptive !== undefined)
    expect(adaptive.map((r) => [r.space, r.adaptive!.source, r.adaptive!.updates])).toEqual([['box', 'gradient', 2], ['sphere', 'covariance', 2]])
    for (const r of adaptive) {
      expect(r.tauContent).toBe(r.adaptive!.tau[0])
      expect(r.adaptive!.tau.every((t) => t >= Math.fround(0.01) && t <= 1)).toBe(true)
    }
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/Adaptive τ \(`createAdaptiveTemperature`/)
    for (const r of runs) {
      expect(r.weights[0]).toBeCloseTo(1, 12)
      expect(r.endToEnd).toHaveLength(4)
      for (let k = 1; k < 4; k++) expect(r.endToEnd[k]!).toBeLessThanOrEqual(r.endToEnd[k - 1]!)
    }
    expect(readFileSync(path.join(out, 'fig1-spectrum-weights.svg'), 'utf8')).toMatch(/normalised singular value/)
  })

  it('validates the sweep', () => {
    expect(() => resolveConfig(fig1Spectrum, 'quick', { contentDims: [1, 2] })).toThrow(/invalid config\.contentDims/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { contentDims: [0, 8] })).toThrow(/invalid config\.contentDims/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { prop3: { contentSigma: 0 } })).toThrow(/invalid config\.prop3\.contentSigma/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { adaptive: { floor: 2 } })).toThrow(/^invalid config\.adaptive\.floor: expected floor ≤ tauStyle = 1/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { adaptive: { momentum: 1 } })).toThrow(/^invalid config\.adaptive\.momentum/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { adaptive: { updateEvery: 0 } })).toThrow(/^invalid config\.adaptive\.updateEvery/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { adaptive: { reading: 'scale' } })).toThrow(/^invalid config\.adaptive\.reading/)
    const off = resolveConfig(fig1Spectrum, 'quick', { adaptive: { enabled: false } })
    expect(grid(off, 'box').some((p) => p.adaptive === true)).toBe(false)
    expect(['box', 'sphere'].map((space) => adaptiveSource(fig1Spectrum.presets.quick.adaptive!, space as 'box' | 'sphere'))).toEqual(['gradient', 'covariance'])
    expect(adaptiveSource(resolveConfig(fig1Spectrum, 'quick', { adaptive: { source: 'covariance' } }).adaptive!, 'box')).toBe('covariance')
    expect(() => resolveConfig(fig1Spectrum, 'quick', { adaptive: { source: 'spectrum' } })).toThrow(/^invalid config\.adaptive\.source/)
    expect(grid(fig1Spectrum.presets.paper, 'sphere').filter((p) => p.adaptive === true)).toEqual([{ dc: 2, sigmaC: 0.005, tauC: 1, unnormalized: true, adaptive: true }])
  })

  it('claims follow constructed spectra: each can fail', async () => {
    const base = fig1Spectrum.presets.quick as Fig1SpectrumConfig
    const config: Fig1SpectrumConfig = { ...base, dims: 4, contentDims: [0, 2], spaces: { box: base.spaces.box } }
    const { contentSigma: sc, tauContent: tc } = config.prop3
    const run = (dc: number, contentSigma: number, tauContent: number, spectrum: number[]): SpectrumRun => ({
      space: 'box', contentDims: dc, contentSigma, tauContent, seed: 0, weights: spectrum, endToEnd: spectrum, effective: spectrum, finalLoss: 1, lossHistory: [],
    })
    // the adaptive run: `tauContent` is where τ ended (here exactly the fixed τ_c: it must still not count as that run)
    const adaptiveRun = (spectrum: number[]): SpectrumRun => ({
      ...run(2, sc, tc, spectrum),
      adaptive: { tau: [tc, tc, 1, 1], source: 'gradient', updates: 5, lastContentDims: 2, contentDimsCounts: [0, 1, 4, 0], lastTauContentRaw: 0.009, fallbacks: 0 },
    })
    const flat = [1, 0.98, 0.97, 0.95]
    const collapsed = [1, 0.9, 0.2, 0.1]
    const paperLike = await summarizeSpectra(config, [run(0, 0, 1, flat), run(2, 0, 1, collapsed), run(2, sc, 1, collapsed), run(2, sc, tc, flat), run(2, 0, tc, collapsed), adaptiveRun(flat)])
    expect(paperLike.claims.map((c) => [c.id, c.holds])).toEqual([
      ['box-reference-flat', true],
      ['box-dc2-collapse', true],
      ['box-prop3-collapse-without-tau', true],
      ['box-prop3-tau-restores', true],
      ['box-adaptive-tau-restores', true],
    ])
    expect(paperLike.claims[4]!.measured).toBe('0.000 (final τ/τ_s of the first 2 outputs: 0.010, 0.010; last d̂_c: 2; fixed τ_c: 0.000)')
    expect(paperLike.reportMarkdown).toMatch(/\| box \| 2 \| 0\.005 \| adaptive → 0\.010 \|/)
    expect(paperLike.reportMarkdown).toMatch(/\| box \| 0 \| gradient \| 5 \| 0 1 4 0 \| 2 \| 0\.00900 \| 0\.010 0\.010 1\.0 1\.0 \| 0 \|/)
    const noFix = await summarizeSpectra(config, [run(0, 0, 1, flat), run(2, 0, 1, flat), run(2, sc, 1, collapsed), run(2, sc, tc, collapsed), run(2, 0, tc, collapsed), adaptiveRun(collapsed)])
    expect(noFix.claims.map((c) => c.holds)).toEqual([true, false, true, false, false])
    // the adaptive claim reads only the adaptive run: fixed τ_c restores, adaptive τ does not (and vice versa)
    const onlyFixed = await summarizeSpectra(config, [run(0, 0, 1, flat), run(2, 0, 1, collapsed), run(2, sc, 1, collapsed), run(2, sc, tc, flat), run(2, 0, tc, collapsed), adaptiveRun(collapsed)])
    expect(onlyFixed.claims.slice(3).map((c) => c.holds)).toEqual([true, false])
    const onlyAdaptive = await summarizeSpectra(config, [run(0, 0, 1, flat), run(2, 0, 1, collapsed), run(2, sc, 1, collapsed), run(2, sc, tc, collapsed), run(2, 0, tc, collapsed), adaptiveRun(flat)])
    expect(onlyAdaptive.claims.slice(3).map((c) => c.holds)).toEqual([false, true])
    const unflatReference = await summarizeSpectra(config, [run(0, 0, 1, collapsed), run(2, 0, 1, flat), run(2, sc, 1, collapsed), run(2, sc, tc, flat), run(2, 0, tc, flat), adaptiveRun(flat)])
    expect(unflatReference.claims.map((c) => c.holds)).toEqual([false, false, false, false, false])
    // no adaptive run in the results (e.g. a run directory from before the variant): the claim fails, it does not vanish
    const missing = await summarizeSpectra(config, [run(0, 0, 1, flat), run(2, 0, 1, collapsed), run(2, sc, 1, collapsed), run(2, sc, tc, flat), run(2, 0, tc, collapsed)])
    expect(missing.claims[4]!.holds).toBe(false)
    const disabled = await summarizeSpectra({ ...config, adaptive: { ...config.adaptive!, enabled: false } }, [run(0, 0, 1, flat), run(2, 0, 1, collapsed), run(2, sc, 1, collapsed), run(2, sc, tc, flat), run(2, 0, tc, collapsed)])
    expect(disabled.claims.map((c) => c.id)).not.toContain('box-adaptive-tau-restores')
    // sphere: the τ claim reads the run without the ℓ2-normalisation (the paper's sphere remedy), not the normalised one
    const sphereConfig: Fig1SpectrumConfig = { ...config, spaces: { sphere: base.spaces.sphere } }
    const onSphere = (r: SpectrumRun, normalized: boolean): SpectrumRun => ({ ...r, space: 'sphere', normalized })
    const sphereRuns = (unnormalizedTau: number[], normalizedTau: number[], unnormalizedAdaptive = flat, normalizedAdaptive = collapsed) => [
      onSphere(run(0, 0, 1, flat), true),
      onSphere(run(2, 0, 1, collapsed), true),
      onSphere(run(2, sc, 1, collapsed), true),
      onSphere(run(2, sc, tc, normalizedTau), true),
      onSphere(run(2, 0, tc, collapsed), true),
      onSphere(run(2, sc, tc, unnormalizedTau), false),
      onSphere(adaptiveRun(unnormalizedAdaptive), false),
      onSphere(adaptiveRun(normalizedAdaptive), true),
    ]
    const remedy = await summarizeSpectra(sphereConfig, sphereRuns(flat, collapsed))
    expect(remedy.claims.map((c) => [c.id, c.holds])).toEqual([
      ['sphere-reference-flat', true],
      ['sphere-dc2-collapse', true],
      ['sphere-prop3-collapse-without-tau', true],
      ['sphere-prop3-tau-restores', true],
      ['sphere-adaptive-tau-restores', true],
    ])
    expect(remedy.claims[3]!.measured).toMatch(/^0\.000 .*ℓ2-normalisation: 0\.425/)
    expect(remedy.figures[0]!.svg).toMatch(/role-legend-symbol[^>]*><path[^>]*stroke="#444"[^>]*stroke-dasharray/)
    expect(remedy.figures[0]!.svg).toMatch(/adaptive τ_c/)
    const normalizedOnly = await summarizeSpectra(sphereConfig, sphereRuns(collapsed, flat, collapsed, flat))
    expect(normalizedOnly.claims.slice(3).map((c) => c.holds)).toEqual([false, false])
    expect(styleBlockMean([1, 0.5, 0.2, 0.1], 2)).toBeCloseTo(0.15, 12)
    expect(spectrumDistance([1, 0.5], [1, 0.1])).toBeCloseTo(0.2, 12)
  })
})
