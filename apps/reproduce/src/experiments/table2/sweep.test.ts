import { describe, expect, it } from 'vitest'
import { expectCloseTo } from '../../sweep/collect/close-to.test-helper.js'
import { asStored, seededValues } from '../../sweep/collect/seeded-values.test-helper.js'
import { TABLE2_VARIANTS, summarizeTable2, table2, type Table2Config, type Table2Results, type Table2SeedResult } from './index.js'

/** One seed's readouts of every variant, as runTable2 records them. */
function seedResults(seed: number): Table2Results {
  const rand = seededValues(seed + 1)
  const one = (): Table2SeedResult => ({ seed, after: 20 + 60 * rand(), before: 20 + 60 * rand(), lossHistory: [[0, 5 * rand()]], trainSeconds: rand() })
  return Object.fromEntries(TABLE2_VARIANTS.map((v) => [v, [one()]])) as Table2Results
}

describe('table2 sweep support (§4.2, Table 2)', () => {
  it('combineSeeds of single-seed metrics equals summarizeTable2 over the seeds (what run --seeds K computes)', async () => {
    const config = table2.presets.quick as Table2Config
    const options = { numClasses: 10, source: 'constructed' }
    const seeds = [0, 1, 2].map(seedResults)
    const single = await Promise.all(seeds.map(async (r) => asStored((await summarizeTable2(config, r, options)).metrics)))
    const all = Object.fromEntries(TABLE2_VARIANTS.map((v) => [v, seeds.flatMap((r) => r[v])])) as Table2Results
    const multi = await summarizeTable2(config, all, options)
    const combined = await table2.sweep!.combineSeeds!(config, single, {})
    expectCloseTo(combined.metrics, asStored(multi.metrics))
    expect(combined.claims).toEqual(multi.claims)
    expect(combined.reportMarkdown).toBe(multi.reportMarkdown)
    const scalars = table2.sweep!.scalars(single[1]!, config)
    expect(Object.keys(scalars)).toHaveLength(6)
    expect(scalars['Regular: after p. (%)']).toBe(seeds[1]!.regular[0]!.after)
  })
})
