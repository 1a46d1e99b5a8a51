import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { disposeBatch } from '@cl/core'
import { representationGradients } from '@cl/infonce'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { eq4Loss } from '../theory/linear-setup.js'
import { drawEncoder, gridSetup } from './run.js'
import {
  drawSeeds,
  effectiveRatio,
  estimateOnBatch,
  expectedBreakdownRatio,
  latentConditionalVariance,
  literalUnmixedGap,
  mainGrid,
  runTheoryDcEstimate,
  summarizeDcEstimates,
  theoryDcEstimate,
  theoryDcEstimateClaims,
  weightGradient,
  type DcEstimateRun,
  type TheoryDcEstimateConfig,
} from './index.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const ID = 'theory-dc-estimate'
const claimIds = (space: string) => ['delta-exact', 'no-content-zero', 'accuracy-up-to-ratio', 'margin-decreases', 'equal-sigma-no-split', 'literal-gradient'].map((c) => `${space}-${c}`)

describe('theory-dc-estimate', () => {
  it('runs end to end at small scale: six claims per space, three figures', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-dcest-')), 'run')
    const err: string[] = []
    const sets = [
      'dims=4', 'contentDims=[0,1,2]', 'ratios=[0,0.3,1]', 'draws=1', 'batchSize=64', 'generator.thresholdDraws=50',
      'batchSweep.batchSizes=[16]', 'batchSweep.contentDims=[1]', 'batchSweep.ratios=[0]', 'example.contentDims=1',
      'trained.train.steps=5', 'trained.train.batchSize=16',
    ]
    const code = await main(['run', ID, '--backend', 'cpu', '--out', out, ...sets.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual([...claimIds('box'), ...claimIds('sphere')])
    const runs = (result.metrics as { runs: DcEstimateRun[] }).runs
    // per space: d_c = 0 once + 2 d_c × 3 ratios, one batch-sweep run, one trained run
    expect(runs.filter((r) => r.sweep === 'main')).toHaveLength(2 * 7)
    expect(runs.filter((r) => r.sweep === 'batch').map((r) => r.batchSize)).toEqual([16, 16])
    expect(runs.filter((r) => r.sweep === 'trained').map((r) => r.endToEndSpectrum?.length)).toEqual([4, 4])
    for (const name of ['accuracy', 'margin', 'spectrum']) expect(readFileSync(path.join(out, `${ID}-${name}.svg`), 'utf8')).toMatch(/<svg/)
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/Breakdown \(smallest σ_c\/σ_s/)
  }, 120_000)

  it('validates the config, naming the field', () => {
    const bad = (overrides: Record<string, unknown>, field: RegExp) => expect(() => resolveConfig(theoryDcEstimate, 'quick', overrides)).toThrow(field)
    bad({ contentDims: [1, 2] }, /invalid config\.contentDims/)
    bad({ contentDims: [0, 8] }, /invalid config\.contentDims\.1/)
    bad({ ratios: [0, 0.5] }, /invalid config\.ratios/)
    bad({ ratios: [0, 1.5] }, /invalid config\.ratios\.1/)
    bad({ ratios: [0, 1, 0.5] }, /invalid config\.ratios\.2/)
    bad({ sigmaStyle: 0 }, /invalid config\.sigmaStyle/)
    bad({ example: { contentDims: 8 } }, /invalid config\.example\.contentDims/)
    bad({ batchSweep: { contentDims: [0] } }, /invalid config\.batchSweep\.contentDims\.0/)
    bad({ claims: { accuracyLevel: 1.5 } }, /invalid config\.claims\.accuracyLevel/)
    bad({ spaces: [] }, /invalid config\.spaces/)
  })

  it('the sweep: d_c = 0 once, every other d_c at every ratio; draw seeds disjoint across CLI seeds', () => {
    const config = { ...(theoryDcEstimate.presets.quick as TheoryDcEstimateConfig), contentDims: [0, 2], ratios: [0, 0.5, 1] }
    expect(mainGrid(config)).toEqual([{ contentDims: 0, ratio: 0 }, { contentDims: 2, ratio: 0 }, { contentDims: 2, ratio: 0.5 }, { contentDims: 2, ratio: 1 }])
    expect(drawSeeds([0, 1], 3)).toEqual([0, 1, 2, 3, 4, 5])
    expect(drawSeeds([5], 2)).toEqual([10, 11])
  })

  it('formulas: breakdown e^{−minGap/2}, the unmixed literal gap, the realised ratio', () => {
    expect(expectedBreakdownRatio(Math.log(4))).toBeCloseTo(0.5, 14)
    expect(literalUnmixedGap('box', 8, 0.05)).toBeCloseTo(Math.log((1 / 12) / (1 / 12 - 0.0025)), 14)
    expect(literalUnmixedGap('sphere', 8, 0.05, 0.05)).toBe(0)
    expect(effectiveRatio([0.01, 0.01, 0.04, 0.04], 2)).toBeCloseTo(0.5, 14)
    expect(effectiveRatio([0.01, 0.04], 0)).toBeNull()
    const z = tf.tensor2d([[0, 1], [2, 3], [4, 5]])
    const zp = tf.tensor2d([[0, 1.5], [2, 2], [4, 5]])
    const v = latentConditionalVariance(z, zp)
    expect(v[0]).toBe(0)
    expect(v[1]).toBeCloseTo((0.25 + 1) / 3, 6)
    tf.dispose([z, zp])
  })

  it('gradients: ∂L/∂W·Wᵀ is the representation gradient (float64, plain TS); no leaks', () => {
    const config = theoryDcEstimate.presets.quick as TheoryDcEstimateConfig
    const { dgp } = gridSetup({ ...config, generator: { thresholdDraws: 50 } }, 'box', 2, 0.3, 3)
    const f = drawEncoder(config, 3, 'dcest-test-grad')
    const before = tf.memory().numTensors
    const b = dgp.sample(128)
    const [z, zp] = [f.apply(b.x), f.apply(b.xPositive)] as [tf.Tensor2D, tf.Tensor2D]
    const lib = representationGradients(z, zp, eq4Loss)
    const gw = weightGradient(f, b.x as tf.Tensor2D, b.xPositive as tf.Tensor2D)
    tf.dispose([z, zp])
    disposeBatch(b)
    expect(tf.memory().numTensors).toBe(before)
    const w = f.weightMatrix()
    const d = w.length
    // (∂L/∂W)·Wᵀ in float64, plain TS
    const gwWt = gw.map((row) => w.map((wRow) => row.reduce((s, v, k) => s + v * wRow[k]!, 0)))
    const scale = Math.max(...lib.total.flat().map(Math.abs))
    for (let a = 0; a < d; a++) {
      for (let c = 0; c < d; c++) {
        expect(Math.abs(gwWt[a]![c]! - lib.total[a]![c]!)).toBeLessThan(1e-4 * scale)
      }
    }
    const e = estimateOnBatch(f, dgp, 64, Math.log(4))
    expect(tf.memory().numTensors).toBe(before)
    expect(e.conditionalVariance).toHaveLength(8)
    f.dispose()
  })

  it('δ content: the split leaves content ρ_k at round-off (≤ 1e−8 of the style ones), a margin ≥ 10 nats', () => {
    const config = { ...(theoryDcEstimate.presets.quick as TheoryDcEstimateConfig), generator: { thresholdDraws: 50 } }
    for (const space of ['box', 'sphere'] as const) {
      const dc = 4
      const { dgp } = gridSetup(config, space, dc, 0, 0)
      const f = drawEncoder(config, 0, `dcest-test-delta-${space}`)
      const e = estimateOnBatch(f, dgp, 512, Math.log(4))
      f.dispose()
      const top = Math.max(...e.split.values)
      const contentMax = Math.max(...e.split.values.slice(0, dc).map(Math.abs))
      expect(e.split.contentDims).toBe(dc)
      expect(contentMax / top, `${space}: ρ = ${e.split.values.map((v) => v.toExponential(1)).join(', ')}`).toBeLessThan(1e-8)
      expect(e.split.margin).toBeGreaterThan(10)
    }
  })

  it('claims follow constructed runs: all hold on a good case, each fails on its counter-example', async () => {
    const base = theoryDcEstimate.presets.quick as TheoryDcEstimateConfig
    const config: TheoryDcEstimateConfig = { ...base, dims: 4, contentDims: [0, 1, 2], ratios: [0, 0.3, 0.5, 1], spaces: ['box'], draws: 2, example: { contentDims: 1 } }
    const margins: Record<number, number> = { 0: 8, 0.3: 2, 0.5: -0.3, 1: -1.2 }
    const run = (dc: number, ratio: number, seed: number, patch: Partial<DcEstimateRun> = {}): DcEstimateRun => ({
      sweep: 'main', space: 'box', contentDims: dc, ratio, batchSize: 512, seed,
      estimate: dc > 0 && ratio <= 0.3 ? dc : 0, margin: dc === 0 ? -1.2 : margins[ratio]!,
      rho: [1e-12, 2e-12, 1e-2, 1.2e-2], literalEstimate: dc, literalMargin: 1, literalValues: [1, 0.9, 0.5, 0.1], effectiveRatio: dc === 0 ? null : ratio,
      ...patch,
    })
    const good = () => [0, 1].flatMap((seed) => [run(0, 0, seed), ...[1, 2].flatMap((dc) => config.ratios.map((ratio) => run(dc, ratio, seed)))])
    const verdicts = async (runs: DcEstimateRun[]) => Object.fromEntries(theoryDcEstimateClaims(config, runs).map((c) => [c.id.replace('box-', ''), c.holds]))
    const allTrue = Object.fromEntries(claimIds('box').map((id) => [id.replace('box-', ''), true]))
    expect(await verdicts(good())).toEqual(allTrue)
    const summary = await summarizeDcEstimates(config, good())
    expect(summary.claims.every((c) => c.holds)).toBe(true)
    expect(summary.figures.map((f) => f.name)).toEqual(['theory-dc-estimate-accuracy', 'theory-dc-estimate-margin', 'theory-dc-estimate-spectrum'])
    expect(summary.reportMarkdown).toMatch(/Breakdown \(smallest σ_c\/σ_s with pooled accuracy < 1\): \*\*0\.5\*\*/)
    const patched = (pick: (r: DcEstimateRun) => boolean, patch: Partial<DcEstimateRun>) => good().map((r) => (pick(r) ? { ...r, ...patch } : r))
    const first = (dc: number, ratio: number) => (r: DcEstimateRun) => r.seed === 0 && r.contentDims === dc && r.ratio === ratio
    expect(await verdicts(patched(first(2, 0), { estimate: 1 }))).toEqual({ ...allTrue, 'delta-exact': false, 'accuracy-up-to-ratio': false })
    expect(await verdicts(patched(first(0, 0), { estimate: 1 }))).toEqual({ ...allTrue, 'no-content-zero': false })
    expect(await verdicts(patched(first(1, 0.3), { estimate: 0 }))).toEqual({ ...allTrue, 'accuracy-up-to-ratio': false })
    expect(await verdicts(patched((r) => r.ratio === 0.5, { margin: 3 }))).toEqual({ ...allTrue, 'margin-decreases': false })
    // σ_c = σ_s: a spurious split in half the runs (< 0.9)
    expect(await verdicts(patched((r) => r.ratio === 1 && r.seed === 0, { estimate: 1 }))).toEqual({ ...allTrue, 'equal-sigma-no-split': false })
    expect(await verdicts(patched((r) => r.ratio === 0 && r.contentDims >= 1 && r.seed === 0, { literalEstimate: 3 }))).toEqual({ ...allTrue, 'literal-gradient': false })
    // no runs at all for a space: no claim holds vacuously
    expect(theoryDcEstimateClaims(config, good().map((r) => ({ ...r, space: 'sphere' as const })))).toEqual([])
  })

  it('stops between draws with an InterruptedError when the run is aborted', async () => {
    const controller = new AbortController()
    controller.abort('SIGINT')
    const config = theoryDcEstimate.presets.quick as TheoryDcEstimateConfig
    const context = { config, preset: 'quick', seeds: [0], runDir: mkdtempSync(path.join(tmpdir(), 'cl-dcest-abort-')), log: () => {}, signal: controller.signal } as unknown as Parameters<typeof runTheoryDcEstimate>[0]
    await expect(runTheoryDcEstimate(context)).rejects.toThrow(/interrupted by SIGINT/)
  })

  it('takes no user DGP (paperDgpOnly)', () => {
    expect(theoryDcEstimate.paperDgpOnly).toMatch(/σ_c\/σ_s/)
    const quick = theoryDcEstimate.presets.quick
    expect(() => theoryDcEstimate.preflight!({ ...quick, batchSize: 50_000_000 }, {})).toThrow(/^invalid config\.batchSize: expected at most/)
    expect(() => theoryDcEstimate.preflight!({ ...quick, batchSweep: { ...quick.batchSweep, batchSizes: [64, 50_000_000] } }, {})).toThrow(/^invalid config\.batchSweep\.batchSizes\.1/)
  })
})
