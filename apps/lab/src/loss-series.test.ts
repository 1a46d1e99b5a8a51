import { describe, expect, it } from 'vitest'
import { LossSeries } from './loss-series.js'

describe('LossSeries', () => {
  it('keeps one curve per job in order, thins long curves keeping the last point, and skips repeated steps', () => {
    const s = new LossSeries(10)
    s.add('a', Array.from({ length: 25 }, (_, i) => [i + 1, 1 / (i + 1)] as const))
    s.add('b', [[1, 2], [2, 1.5]])
    s.add('b', [[2, 9], [3, 1]])
    const [a, b] = s.all
    expect(a!.job).toBe('a')
    expect(a!.points.length).toBeLessThanOrEqual(10)
    expect(a!.points[a!.points.length - 1]).toEqual([25, 1 / 25])
    expect(b!.points).toEqual([[1, 2], [2, 1.5], [3, 1]])
    expect(s.size).toBe(a!.points.length + 3)
    s.clear()
    expect(s.size).toBe(0)
  })
})
