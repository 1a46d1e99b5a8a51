import { createRng, countLeakedTensors, type Rng } from '@cl/core'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { logisticReadout } from './logistic-readout.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** K Gaussian clusters in D dims: centres N(0, spread²) drawn from `centreRng`, unit noise from `rng`. */
function clusters(rng: Rng, n: number, k: number, d: number, spread: number, centreRng: Rng = rng): { x: number[][]; y: number[] } {
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => spread * centreRng.normal()))
  const x: number[][] = []
  const y: number[] = []
  for (let i = 0; i < n; i++) {
    const c = i % k
    y.push(c)
    x.push(centres[c]!.map((m) => m + rng.normal()))
  }
  return { x, y }
}

/** Binomial tolerance: |acc − p| ≤ z·√(p(1 − p)/n), z = 4 (two-sided ≈ 6e-5). */
const binomialTolerance = (p: number, n: number, z = 4) => z * Math.sqrt((p * (1 - p)) / n)

describe('logisticReadout', () => {
  it('reaches ≈ 100 % train and test accuracy on linearly separable classes', () => {
    const rng = createRng(60)
    // same centres (same centre stream), independent noise for train and test
    const train = clusters(rng.fork('train'), 400, 4, 6, 10, rng.fork('centres'))
    const test = clusters(rng.fork('test'), 400, 4, 6, 10, rng.fork('centres'))
    expect(test.x[0]).not.toEqual(train.x[0])
    const r = logisticReadout({ trainFeatures: train.x, trainLabels: train.y, testFeatures: test.x, testLabels: test.y })
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.99)
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.98)
    expect(r.numClasses).toBe(4)
  })

  it('is at chance on held-out data when labels are shuffled (within a binomial tolerance of 1/K)', () => {
    const rng = createRng(61)
    const k = 4
    const feats = clusters(rng, 2500, k, 20, 3)
    const labels = feats.y.map(() => rng.int(k)) // independent of the features
    const r = logisticReadout({
      trainFeatures: feats.x.slice(0, 500),
      trainLabels: labels.slice(0, 500),
      testFeatures: feats.x.slice(500),
      testLabels: labels.slice(500),
    })
    expect(Math.abs(r.testAccuracy - 1 / k)).toBeLessThan(binomialTolerance(1 / k, 2000))
    expect(r.trainAccuracy).toBeGreaterThan(1 / k + 0.05) // it does fit (memorise) the train labels somewhat
  })

  it('is deterministic, converges, and the fitted probabilities match the closed form on a 1-D two-class problem', () => {
    // Two points per class at ±1 with one flipped label each side: the L2-free MLE has p(y=1|x) = 3/4 at x = +1.
    const x = [[1], [1], [1], [1], [-1], [-1], [-1], [-1]]
    const y = [1, 1, 1, 0, 0, 0, 0, 1]
    const opts = { l2: 0, standardize: false, tolerance: 1e-10 }
    const a = logisticReadout({ trainFeatures: x, trainLabels: y, testFeatures: x, testLabels: y }, opts)
    const b = logisticReadout({ trainFeatures: x, trainLabels: y, testFeatures: x, testLabels: y }, opts)
    expect(a).toEqual(b)
    expect(a.converged).toBe(true)
    // minimum mean cross-entropy = −(3/4 ln 3/4 + 1/4 ln 1/4)
    expect(a.loss).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 8)
    expect(a.trainAccuracy).toBe(0.75)
  })

  it('accepts tensors for features and labels without leaking', () => {
    const rng = createRng(62)
    const train = clusters(rng, 120, 3, 4, 8)
    let acc = 0
    expect(countLeakedTensors(() => {
      const xt = tf.tensor2d(train.x)
      const yt = tf.tensor1d(train.y, 'int32')
      acc = logisticReadout({ trainFeatures: xt, trainLabels: yt, testFeatures: xt, testLabels: yt }).testAccuracy
      return [xt, yt]
    })).toBe(0)
    expect(acc).toBeGreaterThan(0.95)
  })

  it('rejects bad labels and options with typed errors', () => {
    const data = { trainFeatures: [[0], [1]], trainLabels: [0, 1.5], testFeatures: [[0]], testLabels: [0] }
    expect(() => logisticReadout(data)).toThrow(/trainLabels/)
    expect(() => logisticReadout({ ...data, trainLabels: [0, 1] }, { l2: -1 })).toThrow(/l2/)
    expect(() => logisticReadout({ ...data, trainLabels: [0, 1] }, { numClasses: 1 })).toThrow(/numClasses/)
    expect(() => logisticReadout({ ...data, trainLabels: [0] })).toThrow(/trainLabels/)
  })
})
