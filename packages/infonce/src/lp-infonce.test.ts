import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, NonFiniteError, ShapeMismatchError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectGradClose, expectRel, fdGrad, randomMat, values, type Mat } from './test-oracles.js'
import { lpInfoNce } from './lp-infonce.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})


/** Independent float64 Lp-InfoNCE (cl-ica LpSimCLRLoss semantics), straightforward loops. */
function lpReference(
  f: Mat,
  fp: Mat,
  tau: number[],
  p: number,
  negatives: 'batch' | 'batch-excluding-self' | Mat,
): { total: number; align: number; uniform: number } {
  const dist = (a: number[], b: number[]) => {
    let s = 0
    for (let k = 0; k < a.length; k++) s += Math.abs(a[k]! - b[k]!) ** p / tau[k]!
    return s
  }
  let align = 0
  let uniform = 0
  for (let i = 0; i < f.length; i++) {
    const dPos = dist(f[i]!, fp[i]!)
    const logits: number[] = []
    const cands = typeof negatives === 'string' ? f : negatives
    for (let j = 0; j < cands.length; j++) {
      if (negatives === 'batch-excluding-self' && j === i) continue
      logits.push(-dist(f[i]!, cands[j]!))
    }
    logits.push(-dPos)
    const m = Math.max(...logits)
    let s = 0
    for (const l of logits) s += Math.exp(l - m)
    align += dPos
    uniform += m + Math.log(s)
  }
  align /= f.length
  uniform /= f.length
  return { total: align + uniform, align, uniform }
}

const N = 6
const D = 4

describe('lpInfoNce vs float64 reference', () => {
  const f = randomMat(1, N, D)
  const fp = f.map((row, i) => row.map((v, k) => v + 0.3 * randomMat(2, N, D)[i]![k]!))
  const negs = randomMat(3, 5, D)
  const tauVec = [0.3, 0.5, 1, 2]
  const cases: { name: string; tau: number | number[]; p: number; negatives: 'batch' | 'batch-excluding-self' | Mat }[] = [
    { name: 'p=2, τ=1, batch (cl-ica)', tau: 1, p: 2, negatives: 'batch' },
    { name: 'p=2, τ=0.5, excluding self', tau: 0.5, p: 2, negatives: 'batch-excluding-self' },
    { name: 'p=2, vector τ, batch', tau: tauVec, p: 2, negatives: 'batch' },
    { name: 'p=2, vector τ, explicit negatives', tau: tauVec, p: 2, negatives: negs },
    { name: 'p=1, τ=0.7, batch', tau: 0.7, p: 1, negatives: 'batch' },
    { name: 'p=3, vector τ, excluding self', tau: tauVec, p: 3, negatives: 'batch-excluding-self' },
    { name: 'p=1.5, τ=2, explicit negatives', tau: 2, p: 1.5, negatives: negs },
  ]
  for (const c of cases) {
    const tauArr = typeof c.tau === 'number' ? new Array<number>(D).fill(c.tau) : c.tau
    const negOpt = () => (typeof c.negatives === 'string' ? c.negatives : tf.tensor2d(c.negatives))
    it(`forward: ${c.name}`, () => {
      const ref = lpReference(f, fp, tauArr, c.p, c.negatives)
      const ft = tf.tensor2d(f)
      const fpt = tf.tensor2d(fp)
      const neg = negOpt()
      const got = values(lpInfoNce(ft, fpt, { tau: c.tau, p: c.p, negatives: neg }))
      tf.dispose([ft, fpt, typeof neg === 'string' ? [] : neg])
      expectRel(got.total, ref.total)
      expectRel(got.align, ref.align)
      expectRel(got.uniform, ref.uniform)
      expect(got.total).toBeCloseTo(got.align + got.uniform, 5)
    })
    it(`gradient vs finite differences: ${c.name}`, () => {
      const ft = tf.tensor2d(f)
      const fpt = tf.tensor2d(fp)
      const neg = negOpt()
      const [gf, gfp] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        lpInfoNce(a as tf.Tensor2D, b as tf.Tensor2D, { tau: c.tau, p: c.p, negatives: neg }).total,
      )([ft, fpt])
      expectGradClose(gf!, fdGrad((x) => lpReference(x, fp, tauArr, c.p, c.negatives).total, f))
      expectGradClose(gfp!, fdGrad((x) => lpReference(f, x, tauArr, c.p, c.negatives).total, fp))
      if (typeof neg !== 'string') {
        const [gn] = tf.grads((n: tf.Tensor) => lpInfoNce(ft, fpt, { tau: c.tau, p: c.p, negatives: n as tf.Tensor2D }).total)([neg])
        expectGradClose(gn!, fdGrad((x) => lpReference(f, fp, tauArr, c.p, x).total, c.negatives as Mat))
        tf.dispose([gn!, neg])
      }
      tf.dispose([ft, fpt, gf!, gfp!])
    })
  }
})

describe('lpInfoNce limit cases', () => {
  it('identical embeddings: total = log(N+1) (batch), log N (excluding self), log(M+1) (M explicit), align = 0', () => {
    const c = tf.tidy(() => tf.tile(tf.tensor2d([[0.3, -1.2, 2, 0.5]]), [N, 1])) as tf.Tensor2D
    const batch = values(lpInfoNce(c, c))
    expectRel(batch.total, Math.log(N + 1))
    expect(Math.abs(batch.align)).toBe(0)
    expectRel(values(lpInfoNce(c, c, { negatives: 'batch-excluding-self', tau: [1, 2, 3, 4] })).total, Math.log(N))
    const negs = tf.tidy(() => tf.tile(tf.tensor2d([[0.3, -1.2, 2, 0.5]]), [3, 1])) as tf.Tensor2D
    expectRel(values(lpInfoNce(c, c, { negatives: negs, p: 1 })).total, Math.log(4))
    tf.dispose([c, negs])
  })

  it('aligned, well-separated pairs: total → log 2 (batch: self + positive survive), → 0 (excluding self)', () => {
    // Scaled one-hot anchors: pairwise squared distances 2s², positives identical (d(f_i, f̃_i) = 0).
    let previous = Number.POSITIVE_INFINITY
    for (const s of [0.5, 1, 2, 4]) {
      const f = tf.tidy(() => tf.mul(tf.eye(N, D + 2), s)) as tf.Tensor2D
      const batch = values(lpInfoNce(f, f))
      const excl = values(lpInfoNce(f, f, { negatives: 'batch-excluding-self' }))
      // exact: log(2 + (N−1)e^{−2s²}) and log(1 + (N−1)e^{−2s²})
      expectRel(batch.total, Math.log(2 + (N - 1) * Math.exp(-2 * s * s)))
      expectRel(excl.total, Math.log(1 + (N - 1) * Math.exp(-2 * s * s)))
      expect(batch.total).toBeLessThan(previous)
      previous = batch.total
      f.dispose()
    }
    expect(Math.abs(previous - Math.log(2))).toBeLessThan(1e-6)
  })

  it('a vector τ with equal entries equals the scalar τ', () => {
    const f = tf.tensor2d(randomMat(7, N, D))
    const fp = tf.tensor2d(randomMat(8, N, D))
    for (const p of [2, 1.5]) {
      const a = values(lpInfoNce(f, fp, { tau: 0.4, p }))
      const b = values(lpInfoNce(f, fp, { tau: [0.4, 0.4, 0.4, 0.4], p }))
      expectRel(b.total, a.total, 1e-6)
      expectRel(b.align, a.align, 1e-6)
    }
    tf.dispose([f, fp])
  })

  it('stays finite for far-apart unnormalised embeddings (large logits, no overflow)', () => {
    const f = tf.tensor2d(randomMat(9, N, D, 100))
    const fp = tf.tensor2d(randomMat(10, N, D, 100))
    const got = values(lpInfoNce(f, fp, { tau: 0.01 }))
    expect(Number.isFinite(got.total)).toBe(true)
    const [g] = tf.grads((a: tf.Tensor) => lpInfoNce(a as tf.Tensor2D, fp, { tau: 0.01 }).total)([f])
    expect(g!.dataSync().every(Number.isFinite)).toBe(true)
    tf.dispose([f, fp, g!])
  })
})

describe('lpInfoNce validation', () => {
  const f = () => tf.zeros([4, 3]) as tf.Tensor2D
  it('throws typed errors', () => {
    const a = f()
    const b = tf.zeros([4, 2]) as tf.Tensor2D
    expect(() => lpInfoNce(a, b)).toThrow(ShapeMismatchError)
    expect(() => lpInfoNce(a, tf.zeros([4]) as unknown as tf.Tensor2D)).toThrow(ShapeMismatchError)
    expect(() => lpInfoNce(a, a, { tau: 0 })).toThrow(InvalidConfigError)
    expect(() => lpInfoNce(a, a, { tau: -1 })).toThrow(InvalidConfigError)
    expect(() => lpInfoNce(a, a, { tau: [1, 0, 1] })).toThrow(/tau\[1\]/)
    expect(() => lpInfoNce(a, a, { tau: [1, 1] })).toThrow(ShapeMismatchError)
    expect(() => lpInfoNce(a, a, { p: 0 })).toThrow(InvalidConfigError)
    expect(() => lpInfoNce(a, a, { negatives: b })).toThrow(ShapeMismatchError)
    expect(() => lpInfoNce(a, a, { negatives: 'all' as 'batch' })).toThrow(InvalidConfigError)
    expect(() => lpInfoNce(a, a, { temperature: 1 } as never)).toThrow(/options\.temperature/)
    const nan = tf.tensor2d([[0, 0, 0], [0, Number.NaN, 0], [0, 0, 0], [0, 0, 0]])
    const inf = tf.tensor2d([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, Number.POSITIVE_INFINITY]])
    expect(() => lpInfoNce(nan, a)).toThrow(NonFiniteError)
    expect(() => lpInfoNce(a, inf)).toThrow(/fPositive/)
    // opt-out: no readback, the NaN propagates instead
    expect(values(lpInfoNce(nan, a, { checkFinite: false })).total).toBeNaN()
    tf.dispose([a, b, nan, inf])
  })

  it("checkFinite 'auto' skips the readback while a gradient tape records, true forces it", () => {
    const nan = tf.tensor2d([[Number.NaN, 0], [0, 0]])
    const [g] = tf.grads((x: tf.Tensor) => lpInfoNce(x as tf.Tensor2D, nan).total)([nan])
    expect(g!.shape).toEqual([2, 2])
    expect(() => tf.grads((x: tf.Tensor) => lpInfoNce(x as tf.Tensor2D, nan, { checkFinite: true }).total)([nan])).toThrow(NonFiniteError)
    tf.dispose([nan, g!])
  })

  it('a tensor τ with a non-positive entry is rejected by the (default) check', () => {
    const a = f()
    const tau = tf.tensor1d([1, -0.5, 1])
    expect(() => lpInfoNce(a, a, { tau })).toThrow(InvalidConfigError)
    const tauLen = tf.tensor1d([1, 1])
    expect(() => lpInfoNce(a, a, { tau: tauLen })).toThrow(ShapeMismatchError)
    tf.dispose([a, tau, tauLen])
  })
})
