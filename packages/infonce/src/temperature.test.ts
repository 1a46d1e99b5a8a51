import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng, InvalidConfigError, ShapeMismatchError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { cosineInfoNce } from './cosine-infonce.js'
import { createLearnableTemperature } from './learnable-temperature.js'
import { lpInfoNce } from './lp-infonce.js'
import { ntXent } from './nt-xent.js'
import { contentStyleTau, prop3TauContent, resolveTemperature } from './temperature.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function randomTensor(seed: number, rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(createRng(seed).normalArray(rows * cols)), [rows, cols])
}

describe('temperature helpers', () => {
  it('prop3TauContent: τ_c = τ_s · σ_c/σ_s (Prop. 3)', () => {
    expect(prop3TauContent(0.05, 0.5)).toBeCloseTo(0.1, 12)
    expect(prop3TauContent(0.1, 0.4, 2)).toBeCloseTo(0.5, 12)
    expect(() => prop3TauContent(0, 1)).toThrow(InvalidConfigError)
    expect(() => prop3TauContent(1, -1)).toThrow(InvalidConfigError)
  })

  it('contentStyleTau builds the per-dimension vector', () => {
    expect(contentStyleTau({ dims: 5, contentDims: 2, tauContent: 0.3, tauStyle: 1 })).toEqual([0.3, 0.3, 1, 1, 1])
    expect(contentStyleTau({ dims: 4, contentIndices: [3, 1], tauContent: 0.7, tauStyle: 1 })).toEqual([1, 0.7, 1, 0.7])
    expect(contentStyleTau({ dims: 3, contentDims: 0, tauContent: 0.7, tauStyle: 1 })).toEqual([1, 1, 1])
    expect(() => contentStyleTau({ dims: 3, contentIndices: [3], tauContent: 0.7, tauStyle: 1 })).toThrow(InvalidConfigError)
    expect(() => contentStyleTau({ dims: 3, contentIndices: [1, 1], tauContent: 0.7, tauStyle: 1 })).toThrow(InvalidConfigError)
    expect(() => contentStyleTau({ dims: 3, contentDims: 4, tauContent: 0.7, tauStyle: 1 })).toThrow(InvalidConfigError)
    expect(() => contentStyleTau({ dims: 3, contentDims: 1, tauContent: 0, tauStyle: 1 })).toThrow(InvalidConfigError)
  })

  it('resolveTemperature validates and returns 1/τ', () => {
    tf.tidy(() => {
      expect(resolveTemperature(0.5, 3).weights.dataSync()[0]).toBe(2)
      expect(Array.from(resolveTemperature([1, 0.5, 0.25], 3).weights.dataSync())).toEqual([1, 2, 4])
      expect(() => resolveTemperature([1, 2], 3)).toThrow(ShapeMismatchError)
      expect(() => resolveTemperature(Number.POSITIVE_INFINITY, 3)).toThrow(InvalidConfigError)
      expect(() => resolveTemperature('1' as unknown as number, 3)).toThrow(InvalidConfigError)
      expect(() => resolveTemperature(tf.ones([2, 3]), 3)).toThrow(ShapeMismatchError)
    })
  })

  it('p = 2: a per-dimension τ equals rescaling dim k by 1/√τ_k under τ = 1 (so an unnormalised f can absorb it)', () => {
    const f = randomTensor(50, 6, 3)
    const fp = randomTensor(51, 6, 3)
    const tau = [0.25, 1, 4]
    const scale = tf.tensor1d(tau.map((t) => 1 / Math.sqrt(t)))
    const a = lpInfoNce(f, fp, { tau })
    const b = tf.tidy(() => lpInfoNce(tf.mul(f, scale) as tf.Tensor2D, tf.mul(fp, scale) as tf.Tensor2D))
    expect(a.total.dataSync()[0]).toBeCloseTo(b.total.dataSync()[0]!, 5)
    tf.dispose([f, fp, scale, a, b])
  })
})

describe('createLearnableTemperature (softplus-parametrised, forward-looking option)', () => {
  it('initialises to the requested τ and gives finite gradients for every loss, leak-free', () => {
    const temp = createLearnableTemperature(4, [0.3, 0.3, 1, 1])
    expect(Array.from(temp.values()).map((v) => Number(v.toFixed(5)))).toEqual([0.3, 0.3, 1, 1])
    const f = randomTensor(52, 8, 4)
    const fp = randomTensor(53, 8, 4)
    const losses = [
      () => lpInfoNce(f, fp, { tau: temp.tau() }).total,
      () => cosineInfoNce(f, fp, { tau: temp.tau() }).total,
      () => ntXent(f, fp, { tau: temp.tau() }).total,
    ]
    for (const loss of losses) {
      const leaked = countLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(loss, [temp.variable])
        const g = grads[temp.variable.name]!
        expect(g.shape).toEqual([4])
        const gv = g.dataSync()
        expect(gv.every(Number.isFinite)).toBe(true)
        expect(gv.some((v) => v !== 0)).toBe(true)
        return [value, g]
      })
      expect(leaked).toBe(0)
    }
    tf.dispose([f, fp])
    temp.dispose()
  })

  it('gradient w.r.t. θ matches finite differences of the loss in τ (chain rule through softplus)', () => {
    const init = [0.5, 2]
    const temp = createLearnableTemperature(2, init)
    const f = randomTensor(54, 5, 2)
    const fp = randomTensor(55, 5, 2)
    const { value, grads } = tf.variableGrads(() => lpInfoNce(f, fp, { tau: temp.tau() }).total, [temp.variable])
    const g = grads[temp.variable.name]!.dataSync()
    const lossAt = (tau: number[]) => {
      const t = lpInfoNce(f, fp, { tau })
      const v = t.total.dataSync()[0]!
      tf.dispose(t)
      return v
    }
    init.forEach((tau, k) => {
      const h = 1e-2 * tau
      const plus = init.slice()
      const minus = init.slice()
      plus[k] = tau + h
      minus[k] = tau - h
      const dLdTau = (lossAt(plus) - lossAt(minus)) / (2 * h)
      const dTauDTheta = 1 - Math.exp(-tau) // softplus'(θ) = sigmoid(θ) = 1 − e^{−τ}
      expect(g[k]!).toBeCloseTo(dLdTau * dTauDTheta, 3)
    })
    tf.dispose([f, fp, value, grads[temp.variable.name]!])
    temp.dispose()
  })

  it('validates its arguments and supports a floor', () => {
    expect(() => createLearnableTemperature(0)).toThrow(InvalidConfigError)
    expect(() => createLearnableTemperature(2, [1])).toThrow(InvalidConfigError)
    expect(() => createLearnableTemperature(2, -1)).toThrow(InvalidConfigError)
    expect(() => createLearnableTemperature(2, 0.05, { minTau: 0.1 })).toThrow(InvalidConfigError)
    const temp = createLearnableTemperature(2, 0.5, { minTau: 0.1 })
    expect(temp.values()[0]).toBeCloseTo(0.5, 5)
    temp.dispose()
  })
})
