import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { lpInfoNce } from './lp-infonce.js'
import { representationGradients } from './representation-gradients.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const eq4 = (a: tf.Tensor2D, b: tf.Tensor2D) => lpInfoNce(a, b, { tau: 2, p: 2, negatives: 'batch-excluding-self' })

function data(n: number, d: number, seed: number): number[][] {
  return [...Array(n)].map((_, i) => [...Array(d)].map((__, k) => Math.sin(seed * 7.1 + i * 1.3 + k * 2.9) * (1 + 0.2 * k)))
}

describe('representationGradients', () => {
  it('align term: Σ_i (f_i − f̃_i)(f_i − f̃_i)ᵀ / N exactly for eq. 4 (float64 closed form); total = align + uniform', () => {
    const n = 9
    const d = 3
    const fa = data(n, d, 1)
    const fpa = fa.map((r, i) => r.map((v, k) => v + 0.1 * Math.cos(i + 3 * k)))
    const before = tf.memory().numTensors
    const f = tf.tensor2d(fa)
    const fp = tf.tensor2d(fpa)
    const g = representationGradients(f, fp, eq4)
    tf.dispose([f, fp])
    expect(tf.memory().numTensors).toBe(before)
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const want = fa.reduce((s, r, i) => s + (r[a]! - fpa[i]![a]!) * (r[b]! - fpa[i]![b]!), 0) / n
        expect(g.align[a]![b]).toBeCloseTo(want, 5)
        expect(g.total[a]![b]).toBeCloseTo(g.align[a]![b]! + g.uniform[a]![b]!, 10)
      }
    }
    expect(g.rows).toBe(n)
  })

  it('for a linear encoder f = x·Wᵀ it equals (∂L/∂W)·Wᵀ', () => {
    const n = 16
    const d = 4
    const x = tf.tensor2d(data(n, d, 2))
    const xp = tf.tensor2d(data(n, d, 2).map((r, i) => r.map((v, k) => v + 0.05 * Math.sin(5 * i + k))))
    const w = tf.tensor2d(data(d, d, 3))
    const before = tf.memory().numTensors
    const [f, fp] = tf.tidy(() => [tf.matMul(x, w, false, true), tf.matMul(xp, w, false, true)] as [tf.Tensor2D, tf.Tensor2D])
    const g = representationGradients(f, fp, eq4)
    const want = tf.tidy(() => {
      const dw = tf.grad((wt: tf.Tensor) => eq4(tf.matMul(x, wt as tf.Tensor2D, false, true), tf.matMul(xp, wt as tf.Tensor2D, false, true)).total)(w)
      return tf.matMul(dw, w, false, true).arraySync() as number[][]
    })
    tf.dispose([f, fp])
    expect(tf.memory().numTensors).toBe(before)
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(g.total[a]![b]).toBeCloseTo(want[a]![b]!, 4)
    tf.dispose([x, xp, w])
  })

  it('rejects mismatched inputs and a non-function loss', () => {
    const a = tf.zeros([4, 2]) as tf.Tensor2D
    const b = tf.zeros([4, 3]) as tf.Tensor2D
    expect(() => representationGradients(a, b, eq4)).toThrow(/fPositive/)
    expect(() => representationGradients(a, a, 3 as never)).toThrow(/loss/)
    tf.dispose([a, b])
  })
})
