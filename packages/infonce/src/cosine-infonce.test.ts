import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, NonFiniteError, ShapeMismatchError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectGradClose, expectRel, fdGrad, randomMat, values, type Mat } from './test-oracles.js'
import { cosineInfoNce } from './cosine-infonce.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})


/** Independent float64 hypersphere InfoNCE (eq. 1, cl-ica SimCLRLoss semantics): normalise, then τ per dim. */
function cosineReference(
  f: Mat,
  fp: Mat,
  tau: number[],
  normalize: boolean,
  negatives: 'batch' | 'batch-excluding-self' | Mat,
): { total: number; align: number; uniform: number } {
  const norm = (v: number[]) => {
    if (!normalize) return v
    const len = Math.sqrt(v.reduce((s, x) => s + x * x, 0))
    return v.map((x) => x / len)
  }
  const sim = (a: number[], b: number[]) => {
    const an = norm(a)
    const bn = norm(b)
    let s = 0
    for (let k = 0; k < a.length; k++) s += (an[k]! * bn[k]!) / tau[k]!
    return s
  }
  let align = 0
  let uniform = 0
  for (let i = 0; i < f.length; i++) {
    const pos = sim(f[i]!, fp[i]!)
    const logits: number[] = []
    const cands = typeof negatives === 'string' ? f : negatives
    for (let j = 0; j < cands.length; j++) {
      if (negatives === 'batch-excluding-self' && j === i) continue
      logits.push(sim(f[i]!, cands[j]!))
    }
    logits.push(pos)
    const m = Math.max(...logits)
    let s = 0
    for (const l of logits) s += Math.exp(l - m)
    align -= pos
    uniform += m + Math.log(s)
  }
  align /= f.length
  uniform /= f.length
  return { total: align + uniform, align, uniform }
}

const N = 6
const D = 5

describe('cosineInfoNce vs float64 reference', () => {
  const f = randomMat(11, N, D)
  const fp = randomMat(12, N, D)
  const negs = randomMat(13, 4, D, 2)
  const tauVec = [0.3, 0.3, 1, 1, 1]
  const cases: { name: string; tau: number | number[]; normalize: boolean; negatives: 'batch' | 'batch-excluding-self' | Mat }[] = [
    { name: 'τ=1, normalised, batch (cl-ica)', tau: 1, normalize: true, negatives: 'batch' },
    { name: 'τ=0.1, normalised, excluding self', tau: 0.1, normalize: true, negatives: 'batch-excluding-self' },
    { name: 'vector τ, normalised, batch', tau: tauVec, normalize: true, negatives: 'batch' },
    { name: 'vector τ, normalised, explicit negatives', tau: tauVec, normalize: true, negatives: negs },
    { name: 'vector τ, w/o norm, batch', tau: tauVec, normalize: false, negatives: 'batch' },
    { name: 'τ=0.5, w/o norm, excluding self', tau: 0.5, normalize: false, negatives: 'batch-excluding-self' },
  ]
  for (const c of cases) {
    const tauArr = typeof c.tau === 'number' ? new Array<number>(D).fill(c.tau) : c.tau
    const negOpt = () => (typeof c.negatives === 'string' ? c.negatives : tf.tensor2d(c.negatives))
    const opts = (neg: 'batch' | 'batch-excluding-self' | tf.Tensor2D) => ({ tau: c.tau, normalize: c.normalize, negatives: neg })
    it(`forward: ${c.name}`, () => {
      const ref = cosineReference(f, fp, tauArr, c.normalize, c.negatives)
      const ft = tf.tensor2d(f)
      const fpt = tf.tensor2d(fp)
      const neg = negOpt()
      const got = values(cosineInfoNce(ft, fpt, opts(neg)))
      tf.dispose([ft, fpt, typeof neg === 'string' ? [] : neg])
      expectRel(got.total, ref.total)
      expectRel(got.align, ref.align)
      expectRel(got.uniform, ref.uniform)
    })
    it(`gradient vs finite differences: ${c.name}`, () => {
      const ft = tf.tensor2d(f)
      const fpt = tf.tensor2d(fp)
      const neg = negOpt()
      const [gf, gfp] = tf.grads((a: tf.Tensor, b: tf.Tensor) => cosineInfoNce(a as tf.Tensor2D, b as tf.Tensor2D, opts(neg)).total)([ft, fpt])
      expectGradClose(gf!, fdGrad((x) => cosineReference(x, fp, tauArr, c.normalize, c.negatives).total, f))
      expectGradClose(gfp!, fdGrad((x) => cosineReference(f, x, tauArr, c.normalize, c.negatives).total, fp))
      if (typeof neg !== 'string') {
        const [gn] = tf.grads((n: tf.Tensor) => cosineInfoNce(ft, fpt, opts(n as tf.Tensor2D)).total)([neg])
        expectGradClose(gn!, fdGrad((x) => cosineReference(f, fp, tauArr, c.normalize, x).total, c.negatives as Mat))
        tf.dispose([gn!, neg])
      }
      tf.dispose([ft, fpt, gf!, gfp!])
    })
  }
})

describe('cosineInfoNce limit cases', () => {
  it('identical embeddings: total = log(N+1) (batch), log N (excluding self), for any τ, with or without norm', () => {
    const c = tf.tidy(() => tf.tile(tf.tensor2d([[0.3, -1.2, 2, 0.5, 1]]), [N, 1])) as tf.Tensor2D
    for (const tau of [1, 0.2, [0.3, 0.3, 1, 1, 1]]) {
      for (const normalize of [true, false]) {
        expectRel(values(cosineInfoNce(c, c, { tau, normalize })).total, Math.log(N + 1))
        expectRel(values(cosineInfoNce(c, c, { tau, normalize, negatives: 'batch-excluding-self' })).total, Math.log(N))
      }
    }
    // the positive term cancels: align = −1/τ, uniform = 1/τ + log(N+1)
    const t = values(cosineInfoNce(c, c, { tau: 0.2 }))
    expectRel(t.align, -5)
    expectRel(t.uniform, 5 + Math.log(N + 1))
    c.dispose()
  })

  it('aligned orthogonal pairs: total = log(2 + (N−1)e^{−1/τ}) → log 2 (batch), log(1 + (N−1)e^{−1/τ}) → 0 (excl.)', () => {
    const f = tf.tidy(() => tf.mul(tf.eye(N, N), 3)) as tf.Tensor2D // normalisation removes the scale
    let previous = Number.POSITIVE_INFINITY
    for (const tau of [1, 0.3, 0.1, 0.03]) {
      const batch = values(cosineInfoNce(f, f, { tau }))
      const excl = values(cosineInfoNce(f, f, { tau, negatives: 'batch-excluding-self' }))
      expectRel(batch.total, Math.log(2 + (N - 1) * Math.exp(-1 / tau)))
      expectRel(excl.total, Math.log(1 + (N - 1) * Math.exp(-1 / tau)))
      expect(batch.total).toBeLessThan(previous)
      previous = batch.total
    }
    // float32: the logsumexp (≈ 1/τ + log 2 = 34) and align (−1/τ) cancel to ~1e-6 absolute
    expect(Math.abs(previous - Math.log(2))).toBeLessThan(1e-5)
    f.dispose()
  })

  it('a vector τ with equal entries equals the scalar τ (normalised and w/o norm)', () => {
    const f = tf.tensor2d(randomMat(14, N, D))
    const fp = tf.tensor2d(randomMat(15, N, D))
    for (const normalize of [true, false]) {
      const a = values(cosineInfoNce(f, fp, { tau: 0.7, normalize }))
      const b = values(cosineInfoNce(f, fp, { tau: new Float32Array(D).fill(0.7), normalize }))
      expectRel(b.total, a.total, 1e-6)
      expectRel(b.align, a.align, 1e-6)
    }
    tf.dispose([f, fp])
  })

  it('per-dimension τ is not cancelled by the normalisation', () => {
    const f = tf.tensor2d(randomMat(16, N, D))
    const fp = tf.tensor2d(randomMat(17, N, D))
    const a = values(cosineInfoNce(f, fp, { tau: [1, 1, 1, 1, 1] }))
    const b = values(cosineInfoNce(f, fp, { tau: [0.2, 0.2, 1, 1, 1] }))
    expect(Math.abs(a.total - b.total)).toBeGreaterThan(1e-2)
    tf.dispose([f, fp])
  })

  it('finite gradient at a zero row (normalisation is clamped)', () => {
    const f = tf.tensor2d([[0, 0, 0, 0, 0], ...randomMat(18, N - 1, D)])
    const [g] = tf.grads((x: tf.Tensor) => cosineInfoNce(x as tf.Tensor2D, f).total)([f])
    expect(g!.dataSync().every(Number.isFinite)).toBe(true)
    tf.dispose([f, g!])
  })
})

describe('cosineInfoNce validation', () => {
  it('throws typed errors', () => {
    const a = tf.ones([3, 5]) as tf.Tensor2D
    expect(() => cosineInfoNce(a, tf.ones([2, 5]) as tf.Tensor2D)).toThrow(ShapeMismatchError)
    expect(() => cosineInfoNce(a, a, { tau: [0.3, 0.3, 1, 1] })).toThrow(ShapeMismatchError)
    expect(() => cosineInfoNce(a, a, { tau: [0.3, 0.3, 1, 1, Number.NaN] })).toThrow(InvalidConfigError)
    expect(() => cosineInfoNce(a, a, { normalize: 'yes' as unknown as boolean })).toThrow(InvalidConfigError)
    const inf = tf.tensor2d([[1, 1, 1, 1, Number.NEGATIVE_INFINITY], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]])
    expect(() => cosineInfoNce(a, a, { negatives: inf })).toThrow(NonFiniteError)
    tf.dispose([a, inf])
  })
})
