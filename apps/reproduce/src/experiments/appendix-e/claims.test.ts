import { describe, expect, it } from 'vitest'
import { appendixEClaims, type AppendixESeedResult } from './claims.js'
import { channelAbsSums, meanRange, tailRelativeDifference } from './weights.js'

const seedRun = (o: Partial<AppendixESeedResult>): AppendixESeedResult => ({
  seed: 0, readoutH: 80, readoutR: 78, channelAbsSums: [], insideMean: 1, outsideMean: 0.001, tailRelativeDifference: 0, width: 8, lossHistory: [[1, 1]], trainSeconds: 1, ...o,
})
const verdicts = (r: AppendixESeedResult[]) => Object.fromEntries(appendixEClaims(r, 2).map((c) => [c.id, c.holds]))

describe('appendix-e claims', () => {
  it('hold on results shaped like the paper\'s', () => {
    expect(verdicts([seedRun({}), seedRun({ seed: 1 })])).toEqual({ 'outside-weights-vanish': true, 'eq28-tail-is-h': true, 'readout-h-beats-r': true })
  })
  it('each fails when one seed breaks it', () => {
    expect(verdicts([seedRun({}), seedRun({ outsideMean: 0.02, tailRelativeDifference: 0.01, readoutH: 70 })])).toEqual({
      'outside-weights-vanish': false,
      'eq28-tail-is-h': false,
      'readout-h-beats-r': false,
    })
  })
})

describe('appendix-e measures', () => {
  it('Σ|w| per output channel of a [k, k, in, out] kernel sums positions and input channels', () => {
    // k = 1, in = 2, out = 3: rows are input channels
    expect(channelAbsSums(Float32Array.from([1, -2, 3, -4, 5, -6]), [1, 1, 2, 3])).toEqual([5, 7, 9])
    expect(meanRange([5, 7, 9], 1, 3)).toBe(8)
  })
  it('eq. 28 tail difference: 0 for equal tails, ‖Δ‖/‖h‖ otherwise, head ignored', () => {
    const h = { data: Float32Array.from([9, 3, 4, 9, 0, 0]), shape: [2, 3] as [number, number] }
    expect(tailRelativeDifference(h, { data: Float32Array.from([1, 3, 4, 2, 0, 0]), shape: [2, 3] }, 1)).toBe(0)
    expect(tailRelativeDifference(h, { data: Float32Array.from([9, 3, 4, 9, 3, 4]), shape: [2, 3] }, 1)).toBeCloseTo(1, 12)
  })
})
