import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng, InvalidConfigError, ShapeMismatchError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createHyperbox } from './hyperbox.js'
import { createInvertibleMlp, invertibleMlpFromWeights } from './invertible-mlp.js'
import { matVecRows64 } from './test-oracles.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

const d = 6
// few threshold draws keep the test fast; the default 25 000 is exercised in create-dgp.test.ts
const mlp = createInvertibleMlp({ dims: d, layers: 3, thresholdDraws: 300, seed: 42 })
const n = 500
const z = createHyperbox(d).sampleMarginal(createRng(1), n)

/** The test's own float64 forward pass: x = W3·σ(W2·σ(W1·z)), σ = LeakyReLU(0.2). */
function reference(zs: Float64Array): Float64Array {
  let h = zs
  mlp.layers.forEach((layer, i) => {
    h = matVecRows64(layer.weight, h, n)
    if (i < mlp.layers.length - 1) h = h.map((v) => (v < 0 ? 0.2 * v : v))
  })
  return h
}

describe('createInvertibleMlp (cl-ica construct_invertible_mlp)', () => {
  it('exposes the threshold and per-layer condition numbers, all below it', () => {
    expect(mlp.layers).toHaveLength(3)
    expect(mlp.slope).toBe(0.2)
    expect(mlp.thresholdDraws).toBe(300)
    expect(mlp.conditionThreshold).not.toBeNull()
    for (const c of mlp.conditionNumbers) expect(c).toBeLessThanOrEqual(mlp.conditionThreshold as number)
    expect(mlp.layers.every((l) => l.draws >= 1)).toBe(true)
  })

  it('has unit-norm columns (PyTorch weight [out][in]) and W·W⁻¹ = I', () => {
    for (const { weight, inverseWeight } of mlp.layers) {
      for (let j = 0; j < d; j++) expect(weight.reduce((s, row) => s + (row[j] as number) ** 2, 0)).toBeCloseTo(1, 12)
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0
          for (let k = 0; k < d; k++) s += (weight[i]?.[k] as number) * (inverseWeight[k]?.[j] as number)
          expect(s).toBeCloseTo(i === j ? 1 : 0, 10)
        }
      }
    }
  })

  it('forwardArray equals an independent float64 leaky-ReLU MLP; inverseArray inverts it to 1e-10', () => {
    const x = mlp.forwardArray(z, n)
    const want = reference(z)
    expect(Math.max(...x.map((v, i) => Math.abs(v - (want[i] as number))))).toBeLessThan(1e-12)
    const back = mlp.inverseArray(x, n)
    expect(Math.max(...back.map((v, i) => Math.abs(v - (z[i] as number))))).toBeLessThan(1e-10)
  })

  it('tfjs forward matches the float64 reference and g⁻¹(g(z)) = z to 1e-4', () => {
    const zt = tf.tensor2d(Float32Array.from(z), [n, d])
    const x = mlp.forward(zt)
    const back = mlp.inverse(x)
    const want = reference(Float64Array.from(zt.dataSync()))
    const got = x.dataSync()
    expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - (want[i] as number))))).toBeLessThan(1e-5)
    const zb = back.dataSync()
    const z32 = zt.dataSync()
    expect(Math.max(...Array.from(zb, (v, i) => Math.abs(v - (z32[i] as number))))).toBeLessThan(1e-4)
    tf.dispose([zt, x, back])
  })

  it('is bias-free and positively homogeneous: g(0) = 0, g(2z) = 2g(z)', () => {
    expect(Array.from(mlp.forwardArray(new Float64Array(d), 1))).toEqual(new Array(d).fill(0))
    const x1 = mlp.forwardArray(z.subarray(0, d), 1)
    const x2 = mlp.forwardArray(z.subarray(0, d).map((v) => 2 * v), 1)
    x1.forEach((v, k) => expect(x2[k]).toBeCloseTo(2 * v, 12))
  })

  it('leaks no tensors and checks shapes', () => {
    const zt = tf.tensor2d(Float32Array.from(z), [n, d])
    expect(countLeakedTensors(() => mlp.forward(zt))).toBe(0)
    expect(countLeakedTensors(() => mlp.inverse(zt))).toBe(0)
    expect(() => mlp.forward(tf.zeros([2, d + 1]) as tf.Tensor2D)).toThrow(ShapeMismatchError)
    zt.dispose()
  })

  it('is reproducible from its seed; thresholdRatio picks a quantile', () => {
    const again = createInvertibleMlp({ dims: d, layers: 3, thresholdDraws: 300, seed: 42 })
    expect(again.layers.map((l) => l.weight)).toEqual(mlp.layers.map((l) => l.weight))
    const other = createInvertibleMlp({ dims: d, layers: 3, thresholdDraws: 300, seed: 43 })
    expect(other.layers[0]?.weight).not.toEqual(mlp.layers[0]?.weight)
    const loose = createInvertibleMlp({ dims: d, layers: 1, thresholdDraws: 300, thresholdRatio: 0.5, seed: 42 })
    expect(loose.conditionThreshold as number).toBeGreaterThan(mlp.conditionThreshold as number)
  })

  it('validates options', () => {
    expect(() => createInvertibleMlp({ dims: 3, slope: 0, thresholdDraws: 10 })).toThrow(InvalidConfigError)
    expect(() => createInvertibleMlp({ dims: 3, layers: 0, thresholdDraws: 10 })).toThrow(InvalidConfigError)
    expect(() => createInvertibleMlp({ dims: 3, conditionThreshold: 0.5 })).toThrow(InvalidConfigError)
  })
})

describe('invertibleMlpFromWeights', () => {
  it('uses the given matrices in the PyTorch convention and rejects singular ones', () => {
    const g = invertibleMlpFromWeights([[[1, 2], [0, 1]], [[0, 1], [1, 0]]])
    // h = W1·z = [1 + 2·(−1), −1] = [−1, −1] → σ = [−0.2, −0.2] → x = W2·h = [−0.2, −0.2]
    expect(Array.from(g.forwardArray(Float64Array.from([1, -1]), 1))).toEqual([-0.2, -0.2].map((v) => expect.closeTo(v, 12)))
    expect(g.conditionThreshold).toBeNull()
    expect(() => invertibleMlpFromWeights([[[1, 2], [2, 4]]])).toThrow(InvalidConfigError)
  })
})
