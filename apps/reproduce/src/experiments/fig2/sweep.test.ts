import { describe, expect, it } from 'vitest'
import { expectCloseTo } from '../../sweep/collect/close-to.test-helper.js'
import { asStored, seededValues } from '../../sweep/collect/seeded-values.test-helper.js'
import { FIG2_VARIANTS, fig2, summarizeFig2, type Fig2Config, type Fig2Results, type Fig2SeedResult, type SpectrumSummary } from './index.js'

/** A spectrum summary of `width` sum-normalised eigenvalues drawn for the test. */
function spectrum(rand: () => number, width: number): SpectrumSummary {
  const raw = Array.from({ length: width }, () => rand() ** 4).sort((a, b) => b - a)
  const total = raw.reduce((a, b) => a + b, 0)
  const normalized = raw.map((x) => x / total)
  const effectiveRank = Math.exp(-normalized.reduce((a, p) => a + (p > 0 ? p * Math.log(p) : 0), 0))
  return { normalized, effectiveRank, effectiveRankFraction: effectiveRank / width, belowMilli: normalized.filter((p) => p < 1e-3 * normalized[0]!).length, width }
}

function seedResults(seed: number): Fig2Results {
  const rand = seededValues(seed + 7)
  const one = (): Fig2SeedResult => ({ seed, after: spectrum(rand, 8), before: spectrum(rand, 16), lossHistory: [[0, rand()]], trainSeconds: rand() })
  return Object.fromEntries(FIG2_VARIANTS.map((v) => [v, [one()]])) as Fig2Results
}

describe('fig2 sweep support (§4.2, Fig. 2)', () => {
  it('combineSeeds of single-seed metrics equals summarizeFig2 over the seeds (what run --seeds K computes)', async () => {
    const config = fig2.presets.quick as Fig2Config
    const seeds = [0, 1].map(seedResults)
    const single = await Promise.all(seeds.map(async (r) => asStored((await summarizeFig2(config, r, { source: 'constructed' })).metrics)))
    const all = Object.fromEntries(FIG2_VARIANTS.map((v) => [v, seeds.flatMap((r) => r[v])])) as Fig2Results
    const multi = await summarizeFig2(config, all, { source: 'constructed' })
    const combined = await fig2.sweep!.combineSeeds!(config, single, {})
    expectCloseTo(combined.metrics, asStored(multi.metrics))
    expect(combined.claims).toEqual(multi.claims)
    expect(combined.figures.map((f) => f.svg)).toEqual(multi.figures.map((f) => f.svg))
    expect(Object.keys(fig2.sweep!.scalars(single[0]!, config))).toHaveLength(2 * FIG2_VARIANTS.length)
  })
})
