import { describe, expect, it } from 'vitest'
import { median, stepsPerRun } from './stats.js'

describe('stats', () => {
  it('median of odd and even counts, unsorted input untouched', () => {
    const v = [3, 1, 2]
    expect(median(v)).toBe(2)
    expect(v).toEqual([3, 1, 2])
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(() => median([])).toThrow(RangeError)
  })

  it('steps per run follow the PyTorch reference (ceil(minsec / one step), clamped to [2, 500])', () => {
    expect(stepsPerRun(5, 0.3)).toBe(17)
    expect(stepsPerRun(5, 10)).toBe(2)
    expect(stepsPerRun(5, 0.001)).toBe(500)
  })
})
