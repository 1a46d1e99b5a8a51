import * as tf from '@tensorflow/tfjs'
import { createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initLinear, pytorchUniformBound, weightBound } from './init.js'
import { createMlpEncoder } from './mlp-encoder.js'
import type { MlpEncoder } from './mlp-encoder.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

function stats(xs: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let m = 0
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!
    m += x
    min = Math.min(min, x)
    max = Math.max(max, x)
  }
  m /= xs.length
  let v = 0
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2
  return { mean: m, std: Math.sqrt(v / (xs.length - 1)), min, max }
}

/** One-sample Kolmogorov–Smirnov statistic against U(−a, a). */
function ksUniform(xs: ArrayLike<number>, a: number): number {
  const s = Float64Array.from(xs as ArrayLike<number>).sort()
  let d = 0
  for (let i = 0; i < s.length; i++) {
    const f = (s[i]! + a) / (2 * a)
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs((i + 1) / s.length - f))
  }
  return d
}

describe('PyTorch nn.Linear init, U(±1/√fan_in) for weights and biases', () => {
  let enc: MlpEncoder
  beforeAll(() => {
    enc = createMlpEncoder({ inputDim: 10, seed: 1234 })
  })
  afterAll(() => enc.dispose())

  it('the bound is 1/√fan_in', () => {
    expect(pytorchUniformBound(500)).toBeCloseTo(0.044721359549995794, 15)
    expect(pytorchUniformBound(10)).toBeCloseTo(1 / Math.sqrt(10), 15)
  })

  it('a fan_in = 500 layer: weights have mean ≈ 0, std ≈ (1/√500)/√3, range within ±1/√500, uniform by KS', () => {
    const w = enc.getWeights()['dense_2/kernel']!
    expect(w.shape).toEqual([500, 500])
    const a = 1 / Math.sqrt(500)
    const s = stats(w.values)
    const n = w.values.length
    const sigma = a / Math.sqrt(3)
    expect(Math.abs(s.mean)).toBeLessThan((5 * sigma) / Math.sqrt(n))
    // sd of the sample std of a uniform is ≈ 0.447·σ/√n; allow > 5 of those.
    expect(Math.abs(s.std / sigma - 1)).toBeLessThan(0.005)
    expect(s.min).toBeGreaterThanOrEqual(-Math.fround(a))
    expect(s.max).toBeLessThanOrEqual(Math.fround(a))
    expect(s.max).toBeGreaterThan(0.999 * a)
    expect(s.min).toBeLessThan(-0.999 * a)
    expect(ksUniform(w.values, a)).toBeLessThan(1.9495 / Math.sqrt(n)) // α = 0.001
  })

  it('a fan_in = 500 layer: biases follow the same distribution', () => {
    const b = enc.getWeights()['dense_2/bias']!
    expect(b.shape).toEqual([500])
    const a = 1 / Math.sqrt(500)
    const sigma = a / Math.sqrt(3)
    const s = stats(b.values)
    expect(Math.abs(s.mean)).toBeLessThan((5 * sigma) / Math.sqrt(500))
    expect(Math.abs(s.std / sigma - 1)).toBeLessThan(0.12)
    expect(s.min).toBeGreaterThanOrEqual(-Math.fround(a))
    expect(s.max).toBeLessThanOrEqual(Math.fround(a))
    expect(ksUniform(b.values, a)).toBeLessThan(1.9495 / Math.sqrt(500))
  })

  it('every layer uses its own fan_in (first layer ±1/√10, last layer ±1/√100)', () => {
    const w = enc.getWeights()
    for (const [name, fanIn] of [['dense_0', 10], ['dense_1', 100], ['dense_5', 500], ['dense_6', 100]] as const) {
      const a = Math.fround(1 / Math.sqrt(fanIn))
      for (const part of ['kernel', 'bias']) {
        const s = stats(w[`${name}/${part}`]!.values)
        expect(s.max).toBeLessThanOrEqual(a)
        expect(s.min).toBeGreaterThanOrEqual(-a)
        expect(s.max).toBeGreaterThan(0.5 * a)
      }
    }
  })

  it('the stored values are exactly the seeded plain-TS draw (so they do not depend on the backend)', () => {
    const expected = initLinear(createRng(1234).fork('dense_2'), 500, 500, true)
    const w = enc.getWeights()
    expect(Float32Array.from(w['dense_2/kernel']!.values)).toEqual(expected.kernel)
    expect(Float32Array.from(w['dense_2/bias']!.values)).toEqual(expected.bias)
  })

  it('same seed → same weights, different seed → different weights', () => {
    const a = createMlpEncoder({ inputDim: 3, hiddenWidths: [4], seed: 5 })
    const b = createMlpEncoder({ inputDim: 3, hiddenWidths: [4], seed: 5 })
    const c = createMlpEncoder({ inputDim: 3, hiddenWidths: [4], seed: 6 })
    expect(b.getWeights()).toEqual(a.getWeights())
    expect(c.getWeights()['dense_0/kernel']).not.toEqual(a.getWeights()['dense_0/kernel'])
    for (const m of [a, b, c]) m.dispose()
  })

  it('initLinear stores K = Wᵀ: drawing order is PyTorch weight order [out, in]', () => {
    const k = initLinear(createRng(9), 3, 2, false).kernel
    const rng = createRng(9)
    const a = 1 / Math.sqrt(3)
    const w = [0, 1].map(() => [0, 1, 2].map(() => rng.uniformRange(-a, a))) // W[o][i]
    for (let i = 0; i < 3; i++) for (let o = 0; o < 2; o++) expect(k[i * 2 + o]).toBe(Math.fround(w[o]![i]!))
  })
})

describe("weightInit: 'heUniform' (He et al. 2015, PyTorch kaiming_uniform_ with nonlinearity='relu')", () => {
  it('the bound is √(6/fan_in); pytorch stays 1/√fan_in', () => {
    expect(weightBound('heUniform', 100)).toBeCloseTo(Math.sqrt(6 / 100), 15)
    expect(weightBound('pytorch', 100)).toBe(pytorchUniformBound(100))
  })

  it('draws the same stream as the default, weights scaled by √6 and biases unchanged', () => {
    const a = initLinear(createRng(3), 100, 40, true)
    const b = initLinear(createRng(3), 100, 40, true, 'heUniform')
    const s6 = Math.sqrt(6)
    for (let i = 0; i < a.kernel.length; i++) expect(b.kernel[i]).toBeCloseTo(a.kernel[i]! * s6, 6)
    expect(b.bias).toEqual(a.bias)
  })

  it('keeps the activation scale through a 7-layer leaky-ReLU MLP where the default shrinks it', () => {
    const x = tf.randomUniform([2048, 10], -1, 1, 'float32', 7) as tf.Tensor2D
    const lastHiddenStd = (weightInit: 'pytorch' | 'heUniform') => {
      const enc = createMlpEncoder({ inputDim: 10, hiddenWidths: [40, 100, 100, 100, 100, 40], seed: 11, weightInit })
      const taps = enc.applyWithTaps(x)
      const sd = (t: tf.Tensor) => {
        const v = tf.tidy(() => tf.moments(t).variance)
        const out = Math.sqrt(v.dataSync()[0]!)
        v.dispose()
        return out
      }
      const std = sd(taps[5]!)
      const first = sd(taps[0]!)
      tf.dispose(taps)
      enc.dispose()
      return std / first
    }
    const pytorch = lastHiddenStd('pytorch')
    const he = lastHiddenStd('heUniform')
    // Per layer the default scales the second moment by ≈ 1/3 · (1 + 0.01²)/2 · 2 ≈ 1/3 (uniform on ±1/√n has variance
    // 1/(3n)); He keeps it ≈ 1. Five layers between hidden_1 and hidden_6: ≈ (1/√3)^5 ≈ 0.06 vs ≈ 1.
    expect(pytorch).toBeLessThan(0.2)
    expect(he).toBeGreaterThan(0.5)
    expect(he).toBeLessThan(2)
    x.dispose()
  })

  it('rejects an unknown init with a typed error naming the field', () => {
    expect(() => createMlpEncoder({ inputDim: 3, seed: 1, weightInit: 'xavier' as never })).toThrow(/mlpEncoder\.weightInit.*'pytorch', 'heUniform'/)
  })
})
