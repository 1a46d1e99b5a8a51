import * as tf from '@tensorflow/tfjs'
import { createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAdam } from './adam.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

/** Float64 Adam exactly as torch.optim.Adam (1.x) writes it, on plain arrays. */
function adamOracle(p: number[], grads: (p: number[]) => number[], steps: number, lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const m = p.map(() => 0)
  const v = p.map(() => 0)
  for (let t = 1; t <= steps; t++) {
    const g = grads(p)
    const bc1 = 1 - b1 ** t
    const bc2 = 1 - b2 ** t
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!
      p[i] = p[i]! - (lr / bc1) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps))
    }
  }
  return p
}

// Least squares ‖A w − b‖² / n on fixed data: gradient 2/n Aᵀ(Aw − b), in float64 for the oracle.
const N = 12
const D = 3
const rng = createRng(5)
const A = Array.from({ length: N }, () => Array.from({ length: D }, () => rng.normal()))
const B = A.map((row) => row[0]! - 2 * row[1]! + 0.5 + 0.1 * rng.normal())
const W0 = [0.3, -0.2, 0.1]
const grad64 = (w: number[]) => {
  const r = A.map((row, i) => row.reduce((s, a, j) => s + a * w[j]!, 0) - B[i]!)
  return w.map((_, j) => (2 / N) * A.reduce((s, row, i) => s + row[j]! * r[i]!, 0))
}

describe('createAdam', () => {
  it('matches a float64 PyTorch-Adam oracle over 8 steps (float32 rounding only)', () => {
    for (const [lr, b1, b2] of [[0.05, 0.9, 0.999], [0.01, 0.5, 0.9]] as const) {
      const w = tf.variable(tf.tensor1d(W0), true)
      const adam = createAdam(new Map([['w', w]]), { learningRate: lr, beta1: b1, beta2: b2 })
      const a = tf.tensor2d(A)
      const b = tf.tensor1d(B)
      for (let s = 0; s < 8; s++) {
        const { grads } = tf.tidy(() => tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.squeeze(tf.matMul(a, tf.reshape(w, [D, 1]))), b))) as tf.Scalar, [w]))
        adam.apply(new Map([['w', grads[w.name]!]]))
        tf.dispose(Object.values(grads))
      }
      expect(adam.t).toBe(8)
      const expected = adamOracle([...W0], grad64, 8, lr, b1, b2)
      const got = Array.from(w.dataSync())
      got.forEach((x, i) => expect(Math.abs(x - expected[i]!)).toBeLessThan(2e-6))
      // The oracle is not trivially close: Adam moved every weight by several learning rates.
      expected.forEach((x, i) => expect(Math.abs(x - W0[i]!)).toBeGreaterThan(lr))
      adam.dispose()
      tf.dispose([w, a, b])
    }
  })

  it('takes a first step of exactly lr · sign(g) (to ε) and leaks nothing per step or after dispose', () => {
    const before = tf.memory().numTensors
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -1, 0.5]), true))
    const adam = createAdam(new Map([['w', w]]), { learningRate: 0.1 })
    const g = tf.tensor1d([3, -0.2, 1e-3])
    const during = tf.memory().numTensors
    adam.apply(new Map([['w', g]]))
    expect(tf.memory().numTensors).toBe(during)
    const got = Array.from(w.dataSync())
    ;[0.9, -0.9, 0.4].forEach((x, i) => expect(got[i]).toBeCloseTo(x, 5))
    adam.dispose()
    adam.dispose()
    tf.dispose([w, g])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('leaves variables without a gradient (and their moments) untouched, and non-trainable ones alone', async () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'adam-a')
    const b = tf.variable(tf.tensor1d([3]), true, 'adam-b')
    const frozen = tf.variable(tf.tensor1d([4]), false, 'adam-frozen')
    const adam = createAdam(new Map([['a', a], ['b', b], ['frozen', frozen]]), { learningRate: 0.1 })
    const g = tf.tensor1d([1, 1])
    adam.apply(new Map([['a', g]]))
    expect(Array.from(b.dataSync())).toEqual([3])
    const state = await adam.getState()
    expect(Object.keys(state.m)).toEqual(['a', 'b'])
    expect(Array.from(state.v.b!.values)).toEqual([0])
    expect(Array.from(state.m.a!.values)).toEqual([Math.fround(0.1), Math.fround(0.1)])
    adam.dispose()
    tf.dispose([a, b, frozen, g])
  })

  it('getState/setState round-trip t, m and v exactly and check shapes', async () => {
    const w = tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true)
    const adam = createAdam(new Map([['w', w]]), { learningRate: 0.1 })
    const g = tf.tensor2d([[0.3, -1], [2, 1e-5]])
    adam.apply(new Map([['w', g]]))
    adam.apply(new Map([['w', g]]))
    const state = await adam.getState()
    const other = createAdam(new Map([['w', w]]), { learningRate: 0.1 })
    other.setState(state)
    expect(other.t).toBe(2)
    expect(await other.getState()).toEqual(state)
    expect(() => other.setState({ ...state, m: { w: { shape: [4], values: new Float32Array(4) } } })).toThrow(/adam\.m\.w: expected shape \[2, 2\]/)
    expect(() => other.setState({ ...state, v: {} })).toThrow(/adam\.v\.w/)
    expect(() => other.setState({ ...state, t: -1 })).toThrow(/adam\.t/)
    adam.dispose()
    other.dispose()
    tf.dispose([w, g])
  })
})
