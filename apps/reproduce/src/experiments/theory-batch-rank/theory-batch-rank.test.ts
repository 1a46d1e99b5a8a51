import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRng } from '@cl/core'
import { singularValues } from '@cl/metrics'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { theoryLinearDgp } from '../theory/linear-setup.js'
import { eq4GradientF64 } from '../theory-dynamics/eq4-gradient-f64.js'
import { derivedRankBound, numericalRank, summarizeBatchRank, theoryBatchRank, type CollapseRun, type ConditioningSample, type RankSample, type TheoryBatchRankConfig } from './index.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const CLAIM_IDS = ['paper-rank-bound', 'paper-rank-deficient-below-d', 'derived-rank-bound', 'covariance-estimate-ranks', 'gradient-conditioning-improves', 'covariance-conditioning-improves', 'larger-batch-no-stronger-collapse']

describe('theory-batch-rank', () => {
  it('runs end to end at small scale: every claim id, three figures, and leaves no tensors behind', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-tbr-')), 'run')
    const err: string[] = []
    const sets = [
      'dims=4', 'generator.thresholdDraws=50', 'rank.contentDims=[0,2]', 'rank.batchSizes=[2,3,8]', 'rank.batches=2',
      'conditioning.batchSizes=[5,16]', 'conditioning.batches=2', 'collapse.batchSizes=[8,16]', 'collapse.train.steps=5',
    ]
    const before = tf.memory().numTensors
    const code = await main(['run', 'theory-batch-rank', '--backend', 'cpu', '--out', out, ...sets.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    if (tf.getBackend() === 'cpu') expect(tf.memory().numTensors).toBe(before)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(CLAIM_IDS)
    const metrics = result.metrics as { ranks: RankSample[]; collapse: { runs: CollapseRun[] } }
    expect(metrics.ranks).toHaveLength(2 * 3 * 2)
    expect(metrics.collapse.runs.map((r) => r.batchSize)).toEqual([8, 16])
    for (const name of ['theory-batch-rank-rank', 'theory-batch-rank-conditioning', 'theory-batch-rank-collapse']) expect(existsSync(path.join(out, `${name}.svg`))).toBe(true)
  })

  it('validates the config: fields named', () => {
    expect(() => resolveConfig(theoryBatchRank, 'quick', { rank: { contentDims: [8] } })).toThrow(/invalid config\.rank\.contentDims/)
    expect(() => resolveConfig(theoryBatchRank, 'quick', { conditioning: { batchSizes: [4, 16] } })).toThrow(/invalid config\.conditioning\.batchSizes/)
    expect(() => resolveConfig(theoryBatchRank, 'quick', { rank: { tolerance: 2 } })).toThrow(/invalid config\.rank\.tolerance/)
    expect(() => resolveConfig(theoryBatchRank, 'quick', { collapse: { batchSizes: [64, 16] } })).toThrow(/invalid config\.collapse\.batchSizes/)
  })

  it('the derived bound: exact on random batches (float64), tight where 2N < d; numerical rank counts above the tolerance', () => {
    expect(numericalRank([1, 0.5, 1e-9, 0], 1e-8)).toBe(2)
    expect(numericalRank([0, 0], 1e-8)).toBe(0)
    expect(derivedRankBound(8, 2, 8)).toBe(3)
    expect(derivedRankBound(8, 3, 2)).toBe(4)
    expect(derivedRankBound(8, 16, 2)).toBe(8)
    const setup = theoryLinearDgp({ space: 'box', dims: 6, contentDims: 4, sigmaStyle: 0.05, thresholdDraws: 50, seed: 4 })
    for (const n of [2, 3]) {
      const b = setup.dgp.sampleArrays(n)
      const g = eq4GradientF64(setup.inverse, b.x, b.xPositive, n)
      // d = 6, d_s = 2: N − 1 + min(N, 2) = 3 (N = 2) and 4 (N = 3), above the paper's N
      expect(numericalRank(singularValues(g.full), 1e-8)).toBe(derivedRankBound(6, n, 2))
      expect(numericalRank(singularValues(g.paper), 1e-8)).toBe(derivedRankBound(6, n, 2))
    }
    // without content the x_i − x̃_i are generic: N − 1 + N directions (N = 3: 5 of 6)
    const rng = createRng(1)
    const x = Float64Array.from({ length: 3 * 6 }, () => rng.uniform())
    const xp = x.map((v) => v + 0.05 * rng.normal())
    const g = eq4GradientF64(setup.inverse, x, xp, 3)
    expect(numericalRank(singularValues(g.full), 1e-8)).toBe(5)
    expect(numericalRank(singularValues(g.paper), 1e-8)).toBe(5)
  })

  it('claims follow constructed inputs: each can fail', async () => {
    const base = theoryBatchRank.presets.quick as TheoryBatchRankConfig
    const config: TheoryBatchRankConfig = {
      ...base,
      dims: 4,
      rank: { ...base.rank, contentDims: [2], batchSizes: [2, 3, 8] },
      conditioning: { ...base.conditioning, batchSizes: [5, 16] },
      collapse: { ...base.collapse, batchSizes: [16, 64] },
    }
    const rank = (n: number, r: number, cov = { m: Math.min(4, n - 1), c: Math.min(2, n) }): RankSample => ({ seed: 0, contentDims: 2, batchSize: n, batch: 0, rankPaper: r, rankFull: r, rankMarginal: cov.m, rankConditional: cov.c, spectrum: [] })
    const cond = (n: number, g: number, m: number): ConditioningSample => ({ seed: 0, batchSize: n, batch: 0, logConditionGradient: g, logConditionMarginal: m })
    const run = (n: number, style: number): CollapseRun => ({ seed: 0, batchSize: n, endToEnd: [1, 1, style, style], weights: [1, 1, style, style], finalLoss: 1 })
    // the paper's world: rank ≤ N below d (the derived bound min(4, N − 1 + min(N, 2)) = 3 at N = 2 is then not reached)
    const paperWorld = await summarizeBatchRank(config, [rank(2, 2), rank(3, 3), rank(8, 4)], [cond(5, 2, 1.5), cond(16, 1, 0.5)], [run(16, 0.2), run(64, 0.3)])
    expect(paperWorld.claims.map((c) => [c.id, c.holds])).toEqual([
      ['paper-rank-bound', true],
      ['paper-rank-deficient-below-d', true],
      ['derived-rank-bound', false],
      ['covariance-estimate-ranks', true],
      ['gradient-conditioning-improves', true],
      ['covariance-conditioning-improves', true],
      ['larger-batch-no-stronger-collapse', true],
    ])
    // our bound reached (3 at N = 2, 4 = d at N = 3): the paper's bound and its weak reading fail; conditioning worsens;
    // the larger batch collapses more; a covariance estimate of the wrong rank
    const ours = await summarizeBatchRank(config, [rank(2, 3, { m: 2, c: 2 }), rank(3, 4), rank(8, 4)], [cond(5, 1, 0.5), cond(16, 2, 1.5)], [run(16, 0.3), run(64, 0.2)])
    expect(ours.claims.map((c) => c.holds)).toEqual([false, false, true, false, false, false, false])
    // above our bound
    const above = await summarizeBatchRank(config, [rank(2, 4), rank(8, 5)], [], [])
    expect(above.claims[2]!.holds).toBe(false)
  })
})
