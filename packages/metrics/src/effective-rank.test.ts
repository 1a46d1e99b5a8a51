import { describe, expect, it } from 'vitest'
import { collapsedDimensions, effectiveRank } from './effective-rank.js'

describe('effectiveRank', () => {
  it('is d for a flat spectrum, 1 for a single direction, 0 for nothing', () => {
    expect(effectiveRank([2, 2, 2, 2, 2])).toBeCloseTo(5, 12)
    expect(effectiveRank([3, 0, 0])).toBeCloseTo(1, 12)
    expect(effectiveRank([0, 0])).toBe(0)
  })
  it('equals exp of the Shannon entropy of the normalised spectrum', () => {
    const p = [0.5, 0.25, 0.25]
    expect(effectiveRank([4, 2, 2])).toBeCloseTo(Math.exp(-p.reduce((s, x) => s + x * Math.log(x), 0)), 12)
  })
  it('rejects negative or non-finite values', () => {
    expect(() => effectiveRank([1, -1])).toThrow(/spectrum/)
  })
})

describe('collapsedDimensions', () => {
  it('counts values below 1 % of the largest by default', () => {
    expect(collapsedDimensions([1, 0.5, 0.02, 0.009, 0])).toBe(2)
    expect(collapsedDimensions([1, 1, 1])).toBe(0)
    expect(collapsedDimensions([0, 0, 0])).toBe(3)
    expect(collapsedDimensions([1, 0.05, 0.2], { threshold: 0.1 })).toBe(1)
  })
  it("'variance' compares √(λ/λmax), so singular and covariance spectra of the same map agree", () => {
    const s = [2, 1, 0.03, 0.01, 0.001]
    const lambda = s.map((x) => x * x)
    expect(collapsedDimensions(lambda, { kind: 'variance' })).toBe(collapsedDimensions(s))
    expect(collapsedDimensions(s)).toBe(2)
    expect(collapsedDimensions(lambda)).toBe(3) // the pitfall the option exists for
  })
  it('validates the threshold', () => {
    expect(() => collapsedDimensions([1], { threshold: 1 })).toThrow(/threshold/)
  })
})
