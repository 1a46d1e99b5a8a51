import { describe, expect, it } from 'vitest'
import { formatMeanStd, meanStd, seedCountLabel, stepSeed } from './stats.js'

describe('stats helpers', () => {
  it('meanStd uses the n − 1 sample standard deviation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) })
    expect(meanStd([7])).toEqual({ mean: 7, std: 0 })
    expect(formatMeanStd({ mean: 7.6912, std: 0.2 })).toBe('7.69 ± 0.20')
  })
  it('a single seed is "n = 1", never "± 0.00"', () => {
    expect(formatMeanStd({ ...meanStd([7.6912]), n: 1 })).toBe('7.69 (n = 1)')
    expect(formatMeanStd({ ...meanStd([7.6912]), n: 1 }, 3)).toBe('7.691 (n = 1)')
    expect(formatMeanStd({ ...meanStd([1, 2]), n: 2 })).toBe('1.50 ± 0.71')
    expect(seedCountLabel(1)).toBe('n = 1 seed')
    expect(seedCountLabel(3)).toBe('n = 3 seeds')
  })
  it('stepSeed is deterministic and differs across steps, jobs and seeds', () => {
    expect(stepSeed(1, 'a', 5)).toBe(stepSeed(1, 'a', 5))
    const seeds = new Set([stepSeed(1, 'a', 5), stepSeed(1, 'a', 6), stepSeed(1, 'b', 5), stepSeed(2, 'a', 5)])
    expect(seeds.size).toBe(4)
  })
})
