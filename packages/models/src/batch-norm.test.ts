import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, countLeakedTensors, createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBatchNorm2d, isBatchNormVariable, type BatchNorm2d } from './batch-norm.js'
import { ParameterStore } from './parameters.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

const C = 3
const SHAPE: [number, number, number, number] = [2, 3, 2, C] // n = N·H·W = 12 values per channel

/** Per-channel float64 mean and biased variance over N, H, W of NHWC values. */
function channelStats(x: ArrayLike<number>, c: number): { mean: number[]; variance: number[]; n: number } {
  const n = x.length / c
  const mean = new Array<number>(c).fill(0)
  const variance = new Array<number>(c).fill(0)
  for (let i = 0; i < x.length; i++) mean[i % c]! += x[i]! / n
  for (let i = 0; i < x.length; i++) variance[i % c]! += (x[i]! - mean[i % c]!) ** 2 / n
  return { mean, variance, n }
}

describe('BatchNorm2d (PyTorch nn.BatchNorm2d semantics)', () => {
  let store: ParameterStore
  let bn: BatchNorm2d
  let x1: tf.Tensor4D
  let x2: tf.Tensor4D
  const gamma = [1.5, -0.5, 2]
  const beta = [0.1, 0.2, -0.3]
  const eps = 1e-5
  const m = 0.1
  beforeAll(() => {
    store = new ParameterStore('bn_test')
    bn = createBatchNorm2d(store, 'bn', { channels: C, momentum: m, epsilon: eps, trainable: true })
    bn.gamma.assign(tf.tensor1d(gamma))
    bn.beta.assign(tf.tensor1d(beta))
    x1 = tf.tensor4d(Float32Array.from(createRng(1).normalArray(12 * C).map((v, i) => 2 * v + (i % C))), SHAPE)
    x2 = tf.tensor4d(Float32Array.from(createRng(2).normalArray(12 * C).map((v, i) => 0.5 * v - (i % C))), SHAPE)
  })
  afterAll(() => {
    tf.dispose([x1, x2])
    store.dispose()
  })

  it('initialises γ = 1, β = 0, running_mean = 0, running_var = 1; γ/β trainable, running stats not', () => {
    const s = new ParameterStore('bn_init')
    const fresh = createBatchNorm2d(s, 'bn', { channels: 2, momentum: m, epsilon: eps, trainable: true })
    expect([...s.named.keys()]).toEqual(['bn/gamma', 'bn/beta', 'bn/running_mean', 'bn/running_var'])
    expect(Array.from(fresh.gamma.dataSync())).toEqual([1, 1])
    expect(Array.from(fresh.beta.dataSync())).toEqual([0, 0])
    expect(Array.from(fresh.runningMean.dataSync())).toEqual([0, 0])
    expect(Array.from(fresh.runningVar.dataSync())).toEqual([1, 1])
    expect(s.trainable().map((v) => v.name)).toEqual(['bn_init/bn/gamma', 'bn_init/bn/beta'])
    s.dispose()
  })

  it('training: batch mean / biased variance; running stats follow PyTorch (unbiased var, momentum 0.1) over two steps', () => {
    const xs = [x1, x2]
    let rm = [0, 0, 0]
    let rv = [1, 1, 1]
    for (const x of xs) {
      const values = x.dataSync()
      const { mean, variance, n } = channelStats(values, C)
      const y = bn.apply(x, true)
      const got = y.dataSync()
      for (let i = 0; i < values.length; i++) {
        const c = i % C
        const expected = ((values[i]! - mean[c]!) / Math.sqrt(variance[c]! + eps)) * gamma[c]! + beta[c]!
        expect(got[i]).toBeCloseTo(expected, 5)
      }
      y.dispose()
      rm = rm.map((r, c) => (1 - m) * r + m * mean[c]!)
      rv = rv.map((r, c) => (1 - m) * r + m * variance[c]! * (n / (n - 1)))
      Array.from(bn.runningMean.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(rm[c]!, 6))
      Array.from(bn.runningVar.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(rv[c]!, 6))
    }
  })

  it('evaluation: running statistics, no update', () => {
    const rm = Array.from(bn.runningMean.dataSync())
    const rv = Array.from(bn.runningVar.dataSync())
    const values = x1.dataSync()
    const y = bn.apply(x1, false)
    const got = y.dataSync()
    for (let i = 0; i < values.length; i++) {
      const c = i % C
      expect(got[i]).toBeCloseTo(((values[i]! - rm[c]!) / Math.sqrt(rv[c]! + eps)) * gamma[c]! + beta[c]!, 5)
    }
    y.dispose()
    expect(Array.from(bn.runningMean.dataSync())).toEqual(rm)
    expect(Array.from(bn.runningVar.dataSync())).toEqual(rv)
    expect(countLeakedTensors(() => bn.apply(x1, false))).toBe(0)
  })

  it('gradients inside tf.variableGrads: running stats update once, no leak, closed-form dβ and d(Σy)/dx = 0', () => {
    const wValues = Float32Array.from(createRng(5).normalArray(12 * C))
    const w = tf.tensor4d(wValues, SHAPE)
    const rmBefore = Array.from(bn.runningMean.dataSync())
    const { mean } = channelStats(x1.dataSync(), C)
    expect(
      countLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.apply(x1, true), w)) as tf.Scalar, [bn.gamma, bn.beta])
        expect(Object.keys(grads).sort()).toEqual(['bn_test/bn/beta', 'bn_test/bn/gamma'])
        // dL/dβ_c = Σ_{n,h,w} w
        const dBeta = Array.from(grads['bn_test/bn/beta']!.dataSync())
        const expected = [0, 0, 0]
        wValues.forEach((v, i) => (expected[i % C]! += v))
        dBeta.forEach((g, c) => expect(g).toBeCloseTo(expected[c]!, 4))
        for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true)
        return [value, ...Object.values(grads)]
      }),
    ).toBe(0)
    Array.from(bn.runningMean.dataSync()).forEach((v, c) => expect(v).toBeCloseTo(0.9 * rmBefore[c]! + 0.1 * mean[c]!, 6))
    // Σ_nhw y is constant (= n·β) in training mode, so its gradient w.r.t. the input vanishes (a limit case of BN).
    expect(
      countLeakedTensors(() => {
        const dx = tf.grad((x: tf.Tensor) => tf.sum(bn.apply(x as tf.Tensor4D, true)))(x1)
        const maxAbs = Math.max(...Array.from(dx.dataSync()).map(Math.abs))
        expect(maxAbs).toBeLessThan(1e-5)
        return dx
      }),
    ).toBe(0)
    w.dispose()
  })

  it('refuses batch statistics from a single value per channel (PyTorch raises too)', () => {
    const one = tf.zeros([1, 1, 1, C]) as tf.Tensor4D
    expect(() => bn.apply(one, true)).toThrow(InvalidConfigError)
    expect(countLeakedTensors(() => bn.apply(one, false))).toBe(0)
    one.dispose()
  })

  it('isBatchNormVariable recognises γ, β and running statistics by local name', () => {
    expect(isBatchNormVariable('bn1/gamma')).toBe(true)
    expect(isBatchNormVariable('layer1/0/downsample/1/running_var')).toBe(true)
    expect(isBatchNormVariable('layer1/0/conv1/kernel')).toBe(false)
    expect(isBatchNormVariable('dense_0/bias')).toBe(false)
    expect(isBatchNormVariable('gamma')).toBe(false)
  })
})
