import { describe, expect, it } from 'vitest'
import { expectCloseTo } from '../../sweep/collect/close-to.test-helper.js'
import { multiAndSingleSeedRuns } from '../seed-runs.test-helper.js'
import { fig1Spectrum, type Fig1SpectrumConfig } from './index.js'

const TINY = ['spaces.box.train.steps=5', 'spaces.box.train.batchSize=32', 'spaces.sphere.train.steps=5', 'spaces.sphere.train.batchSize=32', 'generator.thresholdDraws=10', 'contentDims=[0,2]']

describe('fig1-spectrum sweep support (§4.1, Fig. 1 left)', () => {
  it('combineSeeds of two single-seed runs equals one run with --seeds 2 (runs in the same order, claims)', async () => {
    const { both, single } = await multiAndSingleSeedRuns('fig1-spectrum', TINY)
    const config = fig1Spectrum.configSchema.parse(single[0]!.result.config) as Fig1SpectrumConfig
    const combined = await fig1Spectrum.sweep!.combineSeeds!(config, single.map((r) => r.result.metrics), {})
    const strip = (runs: unknown) => (runs as Record<string, unknown>[]).map(({ lossHistory: _h, ...r }) => r)
    expectCloseTo(strip(combined.metrics.runs), strip(both.result.metrics.runs))
    expect(combined.claims.map((c) => [c.id, c.holds, c.measured])).toEqual(both.result.claims.map((c) => [c.id, c.holds, c.measured]))
    const scalars = fig1Spectrum.sweep!.scalars(single[0]!.result.metrics, config)
    expect(Object.keys(scalars)).toContain('box d_c = 2: style block W·A_g')
    expect(Object.keys(scalars)).toContain('sphere Prop. 3: |Δσ(W)|, τ_c < τ_s')
  }, 60_000)
})
