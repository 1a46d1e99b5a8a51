import { describe, expect, it } from 'vitest'
import { expectCloseTo } from '../../sweep/collect/close-to.test-helper.js'
import { asStored, seededValues } from '../../sweep/collect/seeded-values.test-helper.js'
import type { AppendixESeedResult } from './claims.js'
import { appendixE } from './index.js'
import type { AppendixEConfig } from './config.js'
import { summarizeAppendixE } from './summarize.js'

function seedResult(seed: number, lossDims: number): AppendixESeedResult {
  const rand = seededValues(seed + 11)
  const width = 2 * lossDims
  const channelAbsSums = Array.from({ length: width }, (_, c) => (c < lossDims ? 1 + rand() : 1e-4 * rand()))
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  return {
    seed,
    readoutH: 30 + 40 * rand(),
    readoutR: 30 + 40 * rand(),
    channelAbsSums,
    insideMean: mean(channelAbsSums.slice(0, lossDims)),
    outsideMean: mean(channelAbsSums.slice(lossDims)),
    tailRelativeDifference: 1e-5 * rand(),
    width,
    lossHistory: [[0, rand()]],
    trainSeconds: rand(),
  }
}

describe('appendix-e sweep support (Appx. E, Fig. 4)', () => {
  it('combineSeeds of single-seed metrics equals summarizeAppendixE over the seeds (what run --seeds K computes)', async () => {
    const config = appendixE.presets.quick as AppendixEConfig
    const seeds = [0, 1, 2].map((s) => seedResult(s, config.lossDims))
    const single = await Promise.all(seeds.map(async (r) => asStored((await summarizeAppendixE(config, [r], { source: 'constructed' })).metrics)))
    const multi = await summarizeAppendixE(config, seeds, { source: 'constructed' })
    const combined = await appendixE.sweep!.combineSeeds!(config, single, {})
    expectCloseTo(combined.metrics, asStored(multi.metrics))
    expect(combined.claims).toEqual(multi.claims)
    expect(combined.reportMarkdown).toBe(multi.reportMarkdown)
    expect(appendixE.sweep!.scalars(single[2]!, config)['readout on r (%)']).toBe(seeds[2]!.readoutR)
  })
})
