import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { RUNNING_MEAN_NAME, RUNNING_VAR_NAME, createStandardization } from './standardize.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

/** [n, d] with column k ~ N(k − 1, (k + 0.5)²): distinct means and scales per dimension. */
function columns(n: number, d: number, seed: number): number[][] {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => Array.from({ length: d }, (_, k) => Math.fround(k - 1 + (k + 0.5) * rng.normal())))
}
function colStats(rows: number[][], k: number): { mean: number; variance: number } {
  const n = rows.length
  const mean = rows.reduce((s, r) => s + r[k]!, 0) / n
  return { mean, variance: rows.reduce((s, r) => s + (r[k]! - mean) ** 2, 0) / n }
}

describe('output standardisation (§4.2, per-dimension batch standardisation)', () => {
  it('per-dimension mean 0 and std 1 on the batch (biased std, up to the ε term)', () => {
    const s = createStandardization({ dims: 4 })
    expect(s.epsilon).toBe(1e-8)
    expect(s.trainableVariables).toEqual([])
    const rows = columns(64, 4, 1)
    const x = tf.tensor2d(rows)
    const y = s.apply(x).arraySync()
    for (let k = 0; k < 4; k++) {
      const { mean, variance } = colStats(y, k)
      const inVar = colStats(rows, k).variance
      expect(Math.abs(mean)).toBeLessThan(1e-6)
      expect(Math.sqrt(variance)).toBeCloseTo(Math.sqrt(inVar / (inVar + s.epsilon)), 5)
      expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(1e-5)
    }
    x.dispose()
    s.dispose()
  })

  it('gradients flow through the batch statistics: ∂Σy/∂x = 0 (every column of y sums to 0)', () => {
    const s = createStandardization({ dims: 3 })
    const x = tf.tensor2d(columns(16, 3, 2))
    const g = tf.grad((t: tf.Tensor) => tf.sum(s.apply(t as tf.Tensor2D)))(x)
    expect(Math.max(...Array.from(g.dataSync()).map(Math.abs))).toBeLessThan(1e-5)
    tf.dispose([x, g])
  })

  it('running statistics (BatchNorm semantics, momentum 0.1) and evaluation mode', () => {
    const s = createStandardization({ dims: 2, trackRunningStats: true })
    expect([...s.namedVariables.keys()]).toEqual([RUNNING_MEAN_NAME, RUNNING_VAR_NAME])
    expect(s.trainableVariables).toEqual([])
    const b1 = columns(10, 2, 3)
    const b2 = columns(20, 2, 4)
    const x1 = tf.tensor2d(b1)
    const x2 = tf.tensor2d(b2)
    expect(countLeakedTensors(() => s.apply(x1))).toBe(0) // updates the running stats without leaking
    expect(countLeakedTensors(() => s.apply(x2))).toBe(0)
    const rm = [0, 1].map((k) => 0.9 * 0.1 * colStats(b1, k).mean + 0.1 * colStats(b2, k).mean)
    const rv = [0, 1].map(
      (k) => 0.9 * (0.9 + (0.1 * colStats(b1, k).variance * 10) / 9) + (0.1 * colStats(b2, k).variance * 20) / 19,
    )
    const w = s.getWeights()
    w[RUNNING_MEAN_NAME]!.values.forEach((v, k) => expect(v).toBeCloseTo(rm[k]!, 5))
    w[RUNNING_VAR_NAME]!.values.forEach((v, k) => expect(v).toBeCloseTo(rv[k]!, 5))
    s.setTraining(false)
    const y = s.apply(x1).arraySync()
    for (let i = 0; i < 10; i++) for (let k = 0; k < 2; k++) expect(y[i]![k]).toBeCloseTo((b1[i]![k]! - rm[k]!) / Math.sqrt(rv[k]! + s.epsilon), 5)
    expect(s.getWeights()).toEqual(w) // evaluation mode does not update
    tf.dispose([x1, x2])
    s.dispose()
  })

  it('PyTorch BatchNorm ε = 1e-5 can be passed; then std = σ/√(σ² + 1e-5) < 1 for small variances', () => {
    const s = createStandardization({ dims: 1, epsilon: 1e-5 })
    const x = tf.tensor2d([[0], [0.002], [0.004], [0.006]]) // σ² = 5e-6
    const y = s.apply(x).dataSync()
    const std = Math.sqrt(Array.from(y).reduce((a, v) => a + v * v, 0) / 4)
    expect(std).toBeCloseTo(Math.sqrt(5e-6 / (5e-6 + 1e-5)), 4)
    x.dispose()
  })

  it('a single-row batch cannot be standardised with batch statistics', () => {
    const s = createStandardization({ dims: 2 })
    const x = tf.tensor2d([[1, 2]])
    expect(() => s.apply(x)).toThrow(InvalidConfigError)
    x.dispose()
    expect(() => createStandardization({ dims: 2, momentum: 0 })).toThrow(InvalidConfigError)
  })
})
