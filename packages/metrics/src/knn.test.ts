import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { knnAccuracy } from './knn.js'

describe('knnAccuracy', () => {
  it('is ≈ 1 on well separated classes (cosine, exp weights, k = 200 as in SimSiam)', () => {
    const rng = createRng(70)
    const k = 5
    const d = 16
    const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal()))
    const make = (n: number) => {
      const x: number[][] = []
      const y: number[] = []
      for (let i = 0; i < n; i++) {
        const c = i % k
        x.push(centres[c]!.map((m) => 5 * m + 0.5 * rng.normal()))
        y.push(c)
      }
      return { x, y }
    }
    const train = make(1000)
    const test = make(300)
    const data = { trainFeatures: train.x, trainLabels: train.y, testFeatures: test.x, testLabels: test.y }
    expect(knnAccuracy(data).accuracy).toBeGreaterThanOrEqual(0.99)
    expect(knnAccuracy(data, { metric: 'euclidean', weighting: 'uniform', k: 5 }).accuracy).toBeGreaterThanOrEqual(0.99)
  })

  it('reproduces hand-computed votes on a tiny example', () => {
    // 1-D Euclidean, train points 0,1,2 (class 0) and 10,11 (class 1)
    const trainFeatures = [[0], [1], [2], [10], [11]]
    const trainLabels = [0, 0, 0, 1, 1]
    const testFeatures = [[9], [3], [6.4]]
    const testLabels = [1, 0, 1]
    const data = { trainFeatures, trainLabels, testFeatures, testLabels }
    // k = 1: nearest of 9 is 10 (1), of 3 is 2 (0), of 6.4 is 10 (distance 3.6 < 4.4) (1)
    expect(Array.from(knnAccuracy(data, { metric: 'euclidean', k: 1 }).predictions)).toEqual([1, 0, 1])
    // k = 5 uniform: majority is class 0 for everyone
    const all = knnAccuracy(data, { metric: 'euclidean', k: 5, weighting: 'uniform' })
    expect(Array.from(all.predictions)).toEqual([0, 0, 0])
    expect(all.accuracy).toBeCloseTo(1 / 3, 12)
    // k larger than the train set is clamped
    expect(knnAccuracy(data, { metric: 'euclidean', k: 50, weighting: 'uniform' }).accuracy).toBeCloseTo(1 / 3, 12)
  })

  it('validates options', () => {
    const data = { trainFeatures: [[1], [2]], trainLabels: [0, 1], testFeatures: [[1]], testLabels: [0] }
    expect(() => knnAccuracy(data, { k: 0 })).toThrow(/\bk\b/)
    expect(() => knnAccuracy(data, { temperature: 0 })).toThrow(/temperature/)
  })
})
