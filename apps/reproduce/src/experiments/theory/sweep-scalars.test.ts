import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { styleBlockMean } from '@cl/metrics'
import { describe, expect, it } from 'vitest'
import { runExperiment } from '../../api.js'
import { EXPERIMENTS } from '../registry.js'

const quiet = () => {}

/** Run one theory experiment at the toy scale of its own end-to-end test and return its scalars. */
async function scalarsOf(id: string, set: string[]) {
  const experiment = EXPERIMENTS.find((e) => e.id === id)!
  const run = await runExperiment({ experiment: id, set, backend: 'cpu', out: path.join(mkdtempSync(path.join(tmpdir(), 'cl-theory-sweep-')), 'run'), log: quiet })
  const config = experiment.configSchema.parse(run.result.config)
  return { scalars: experiment.sweep!.scalars(run.result.metrics, config), metrics: run.result.metrics as Record<string, any>, config: config as Record<string, any>, experiment }
}

describe('theory-* sweep scalars (Appx. C)', () => {
  it('theory-batch-rank: log10 κ per gradient batch, style block of W·A_g per training batch (recomputed from the runs)', async () => {
    const { scalars, metrics, config } = await scalarsOf('theory-batch-rank', ['dims=4', 'generator.thresholdDraws=50', 'rank.contentDims=[0,2]', 'rank.batchSizes=[2,3,8]', 'rank.batches=2', 'conditioning.batchSizes=[5,16]', 'conditioning.batches=2', 'collapse.batchSizes=[8,16]', 'collapse.train.steps=5'])
    expect(Object.keys(scalars)).toEqual(['log10 κ(∂L/∂W), N = 5', 'log10 κ(∂L/∂W), N = 16', 'style block W·A_g, N = 8', 'style block W·A_g, N = 16'])
    const runs = (metrics.collapse.runs as { batchSize: number; endToEnd: number[] }[]).filter((r) => r.batchSize === 16)
    const ds = config.dims - config.collapse.contentDims
    expect(scalars['style block W·A_g, N = 16']).toBeCloseTo(runs.reduce((a, r) => a + styleBlockMean(r.endToEnd, ds), 0) / runs.length, 12)
  }, 30_000)

  it('theory-dynamics: relative error per weight point, reading and M', async () => {
    const { scalars, metrics } = await scalarsOf('theory-dynamics', ['dims=4', 'contentDims=1', 'negatives=[2,8,32]', 'batches=2', 'generator.thresholdDraws=50', 'scales=[0.05,1]', 'randomInit=true'])
    expect(Object.keys(scalars)).toHaveLength((metrics.summary as unknown[]).length)
    expect(Object.keys(scalars).filter((k) => k.endsWith('M = 32'))).toHaveLength((metrics.summary as unknown[]).length / 3)
  }, 30_000)

  it('theory-tau-heuristic: τ* and the distances per ratio', async () => {
    const { scalars, metrics } = await scalarsOf('theory-tau-heuristic', ['dims=4', 'contentDims=1', 'ratios=[0.5]', 'tauContents=[0.25,0.5,1]', 'generator.thresholdDraws=50', 'train.steps=20', 'train.batchSize=32'])
    expect(Object.keys(scalars)).toEqual(['σ_c/σ_s = 0.5: τ*/τ_s', 'σ_c/σ_s = 0.5: distance at τ*', 'σ_c/σ_s = 0.5: distance at τ_c = τ_s'])
    expect([0.25, 0.5, 1]).toContain(scalars['σ_c/σ_s = 0.5: τ*/τ_s'])
    expect(scalars['σ_c/σ_s = 0.5: distance at τ*']).toBeLessThanOrEqual(scalars['σ_c/σ_s = 0.5: distance at τ_c = τ_s']!)
    expect(metrics.ratios).toHaveLength(1)
  }, 30_000)

  it('theory-dc-estimate: fraction exact per space and ratio', async () => {
    const { scalars, config } = await scalarsOf('theory-dc-estimate', ['dims=4', 'contentDims=[0,1,2]', 'ratios=[0,0.3,1]', 'draws=1', 'batchSize=64', 'generator.thresholdDraws=50', 'batchSweep.batchSizes=[16]', 'batchSweep.contentDims=[1]', 'batchSweep.ratios=[0]', 'example.contentDims=1', 'trained.train.steps=5', 'trained.train.batchSize=16'])
    expect(Object.keys(scalars)).toHaveLength(config.spaces.length * 3)
    for (const v of Object.values(scalars)) expect(v >= 0 && v <= 1).toBe(true)
  }, 30_000)
  it('theory-collapse-optimal: L(A⁻¹) and the collapsed / style-keeping losses at the largest scale per d_c', async () => {
    const { scalars, metrics } = await scalarsOf('theory-collapse-optimal', ['dims=4', 'contentDims=[1,2]', 'generator.thresholdDraws=50', 'generator.mlpLayers=2', 'batchSize=24', 'evalBatches=1', 'scales.max=1000', 'scales.perDecade=1', 'gradientScales=[1,10]', 'r2Samples=200'])
    expect(Object.keys(scalars)).toEqual([1, 2].flatMap((dc) => [`d_c = ${dc}: L(A⁻¹)`, `d_c = ${dc}: L collapsed, largest s`, `d_c = ${dc}: L style kept, largest s`]))
    const runs = (metrics.runs as { contentDims: number; groundTruth: { float64: { total: number } } }[]).filter((r) => r.contentDims === 2)
    expect(scalars['d_c = 2: L(A⁻¹)']).toBeCloseTo(runs.reduce((a, r) => a + r.groundTruth.float64.total, 0) / runs.length, 12)
  }, 30_000)
})
