import { describe, expect, it } from 'vitest'
import { expectCloseTo } from '../../sweep/collect/close-to.test-helper.js'
import { multiAndSingleSeedRuns } from '../seed-runs.test-helper.js'
import { fig1R2Box, variantNames, type Fig1R2Config } from './index.js'

const TINY = ['train.steps=5', 'train.batchSize=32', 'evalSamples=64', 'encoder.hiddenWidths=[16]', 'generator.thresholdDraws=10']

describe('fig1-r2 sweep support (§4.1, Fig. 1 middle)', () => {
  it('combineSeeds of two single-seed runs equals one run with --seeds 2 (runs, mean layers, claims)', async () => {
    const { both, single } = await multiAndSingleSeedRuns('fig1-r2-box', TINY)
    const config = fig1R2Box.configSchema.parse(single[0]!.result.config) as Fig1R2Config
    const combined = await fig1R2Box.sweep!.combineSeeds!(config, single.map((r) => r.result.metrics), {})
    const strip = (runs: unknown) => (runs as Record<string, unknown>[]).map(({ lossHistory: _h, ...r }) => r)
    expectCloseTo(strip(combined.metrics.runs), strip(both.result.metrics.runs))
    expectCloseTo(combined.metrics.meanLayers, both.result.metrics.meanLayers)
    expect(combined.claims.map((c) => [c.id, c.holds, c.measured])).toEqual(both.result.claims.map((c) => [c.id, c.holds, c.measured]))
    const scalars = fig1R2Box.sweep!.scalars(single[0]!.result.metrics, config)
    expect(Object.keys(scalars)).toEqual(variantNames(config).flatMap((n) => [`${n}: content R²`, `${n}: style R²`]))
  }, 60_000)
})
