import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng, isClError } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { negPairwiseLpDistance } from '../distance.js'
import { logSumExp, MASK_VALUE } from '../logsumexp.js'
import { PAIRWISE_LSE_BACKWARD, PAIRWISE_LSE_FORWARD, type PairwiseLseAttrs } from '../pairwise-lse-kernel.js'
import { pairwiseSimilarity } from '../similarity.js'
import { mainLseInstance } from './instance.js'
import { disposePairwiseLsePool, hasPairwiseLseKernel, registerPairwiseLseKernels } from './index.js'
import { lseOracle, maxRelError } from './test-oracle.js'

const BACKENDS = ['cpu', 'wasm'] as const

beforeAll(() => registerPairwiseLseKernels())
afterAll(async () => {
  disposePairwiseLsePool()
  await tf.setBackend('cpu')
})

function data(seed: number, n: number, m: number, d: number) {
  const rng = createRng(seed)
  return {
    a: Float32Array.from(rng.normalArray(n * d)),
    b: Float32Array.from(rng.normalArray(m * d)),
    w: Float32Array.from({ length: d }, () => 0.5 + rng.uniform()),
    dy: Float32Array.from(rng.normalArray(n)),
  }
}

function runKernels(
  x: ReturnType<typeof data>,
  n: number,
  m: number,
  d: number,
  attrs: PairwiseLseAttrs,
): { lse: Float32Array; da: Float32Array; db: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const a = tf.tensor2d(x.a, [n, d])
    const b = tf.tensor2d(x.b, [m, d])
    const w = tf.tensor1d(x.w)
    const dy = tf.tensor1d(x.dy)
    const kAttrs = { ...attrs } as unknown as tf.NamedAttrMap
    const lse = tf.engine().runKernel(PAIRWISE_LSE_FORWARD, { a, b, w }, kAttrs) as tf.Tensor
    const [da, db, dw] = tf.engine().runKernel(PAIRWISE_LSE_BACKWARD, { a, b, w, lse, dy }, kAttrs) as tf.Tensor[]
    return {
      lse: lse.dataSync() as Float32Array,
      da: da!.dataSync() as Float32Array,
      db: db!.dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
    }
  })
}

/** The stock formulation: untiled logits + logSumExp (+ MASK_VALUE on the excluded pairs), and tf.grads of Σ dy·lse. */
function stock(x: ReturnType<typeof data>, n: number, m: number, d: number, attrs: PairwiseLseAttrs) {
  return tf.tidy(() => {
    const a0 = tf.tensor2d(x.a, [n, d])
    const b0 = tf.tensor2d(x.b, [m, d])
    const w0 = tf.tensor1d(x.w)
    const dy = tf.tensor1d(x.dy)
    const lseOf = (a: tf.Tensor, b: tf.Tensor, w: tf.Tensor) => {
      let logits =
        attrs.form === 'dot'
          ? pairwiseSimilarity(a as tf.Tensor2D, b as tf.Tensor2D, w)
          : negPairwiseLpDistance(a as tf.Tensor2D, b as tf.Tensor2D, w, attrs.p)
      if (attrs.excludeSelf) {
        const mask = tf.buffer([n, m], 'float32')
        for (let i = 0; i < n; i++) if (i + attrs.rowOffset < m && i + attrs.rowOffset >= 0) mask.set(MASK_VALUE, i, i + attrs.rowOffset)
        logits = tf.add(logits, mask.toTensor())
      }
      return logSumExp(logits)
    }
    const lse = lseOf(a0, b0, w0)
    const [da, db, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(lseOf(a, b, w), dy)))([a0, b0, w0])
    return {
      lse: lse.dataSync() as Float32Array,
      da: da!.dataSync() as Float32Array,
      db: db!.dataSync() as Float32Array,
      dw: dw!.dataSync() as Float32Array,
    }
  })
}

const CASES: [string, PairwiseLseAttrs][] = [
  ['lp p=2', { form: 'lp', p: 2, excludeSelf: false, rowOffset: 0 }],
  ['lp p=2 excl. self', { form: 'lp', p: 2, excludeSelf: true, rowOffset: 0 }],
  ['lp p=1 excl. self, rowOffset 5', { form: 'lp', p: 1, excludeSelf: true, rowOffset: 5 }],
  ['lp p=1.5', { form: 'lp', p: 1.5, excludeSelf: false, rowOffset: 0 }],
  ['lp p=0.5 excl. self', { form: 'lp', p: 0.5, excludeSelf: true, rowOffset: 0 }],
  ['dot', { form: 'dot', p: 2, excludeSelf: false, rowOffset: 0 }],
  ['dot excl. self, rowOffset 3', { form: 'dot', p: 2, excludeSelf: true, rowOffset: 3 }],
]

describe.each(BACKENDS)('pairwise log-sum-exp kernels on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    expect(hasPairwiseLseKernel(backend)).toBe(true)
  })

  it.each(CASES)('%s matches the float64 oracle (N and M not multiples of 4)', (_, attrs) => {
    const [n, m, d] = [13, 263, 7]
    const x = data(1, n, m, d)
    const got = runKernels(x, n, m, d, attrs)
    const want = lseOracle(x.a, x.b, x.w, x.dy, n, m, d, attrs)
    expect(maxRelError(got.lse, want.lse)).toBeLessThan(1e-6)
    for (const g of ['da', 'db', 'dw'] as const) expect(maxRelError(got[g], want[g]), g).toBeLessThan(1e-5)
  })

  it.each(CASES)('%s matches the stock formulation and its tf.grads (d = 10)', (_, attrs) => {
    const [n, m, d] = [37, 61, 10]
    const x = data(2, n, m, d)
    const got = runKernels(x, n, m, d, attrs)
    const want = stock(x, n, m, d, attrs)
    for (let i = 0; i < n; i++) expect(Math.abs(got.lse[i]! - want.lse[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.lse[i]!)))
    for (const g of ['da', 'db', 'dw'] as const) expect(maxRelError(got[g], want[g]), g).toBeLessThan(1e-4)
  })

  it.each(CASES.filter((_, i) => i % 2 === 0))('%s with a large d (buffers off the 64 KiB wasm stack)', (_, attrs) => {
    const [n, m, d] = [6, 9, 1500]
    const x = data(6, n, m, d)
    x.w.fill(0.002)
    const got = runKernels(x, n, m, d, attrs)
    const want = lseOracle(x.a, x.b, x.w, x.dy, n, m, d, attrs)
    expect(maxRelError(got.lse, want.lse)).toBeLessThan(1e-5)
    for (const g of ['da', 'db', 'dw'] as const) expect(maxRelError(got[g], want[g]), g).toBeLessThan(1e-4)
  })

  it.each([0.5, 0.25, 0.9])('p = %s: the slope at a − b = 0 is exactly 0 (sign(0) = 0, as the stock tf.abs gradient)', (p) => {
    const attrs: PairwiseLseAttrs = { form: 'lp', p, excludeSelf: false, rowOffset: 0 }
    // a single self pair: |x| + 1e-12 > 0 must not leak p·(1e-12)^(p−1) (≈ −4.4e5 at p = 0.5) into the gradient
    const one = data(10, 1, 1, 4)
    one.b.set(one.a)
    const single = runKernels(one, 1, 1, 4, attrs)
    expect(Array.from(single.da).every((v) => v === 0), String(single.da)).toBe(true) // ±0
    expect(Array.from(single.db).every((v) => v === 0), String(single.db)).toBe(true)
    // the anchors among their own candidates (b = a): the float64 oracle, whose dt is 0 at x = 0
    const [n, d] = [13, 7]
    const x = data(11, n, n, d)
    x.b.set(x.a)
    x.b[3 * d + 2] = x.a[5 * d + 2]! // and one coordinate equal across different rows
    const got = runKernels(x, n, n, d, attrs)
    const want = lseOracle(x.a, x.b, x.w, x.dy, n, n, d, attrs)
    expect(maxRelError(got.lse, want.lse)).toBeLessThan(1e-6)
    for (const g of ['da', 'db', 'dw'] as const) expect(maxRelError(got[g], want[g]), g).toBeLessThan(1e-5)
  })

  it('a row without candidates gets lse = MASK_VALUE and zero gradients', () => {
    const x = data(3, 3, 1, 4)
    const got = runKernels(x, 3, 1, 4, { form: 'lp', p: 2, excludeSelf: true, rowOffset: 0 })
    expect(got.lse[0]).toBe(MASK_VALUE)
    expect(Array.from(got.da.slice(0, 4)).every((v) => v === 0)).toBe(true)
    const want = lseOracle(x.a, x.b, x.w, x.dy, 3, 1, 4, { form: 'lp', p: 2, excludeSelf: true, rowOffset: 0 })
    expect(maxRelError(got.db, want.db)).toBeLessThan(1e-6)
    const none = runKernels(data(4, 2, 0, 3), 2, 0, 3, { form: 'dot', p: 2, excludeSelf: false, rowOffset: 0 })
    expect(Array.from(none.lse)).toEqual([MASK_VALUE, MASK_VALUE])
    expect(Array.from(none.da).every((v) => v === 0)).toBe(true)
  })

  it('propagates NaN (never hides it as a row without candidates)', () => {
    for (const attrs of [CASES[0]![1], CASES[3]![1], CASES[5]![1]]) {
      const x = data(8, 3, 1, 4)
      x.a[0] = Number.NaN
      const got = runKernels(x, 3, 1, 4, attrs)
      expect(Number.isNaN(got.lse[0])).toBe(true)
      expect(Number.isFinite(got.lse[1])).toBe(true)
      const y = data(9, 3, 5, 4)
      y.b[2] = Number.NaN
      expect(Array.from(runKernels(y, 3, 5, 4, attrs).lse).every(Number.isNaN)).toBe(true)
    }
  })

  it('is leak-free: tensors and heaps do not grow across calls', () => {
    const x = data(5, 64, 64, 10)
    const attrs: PairwiseLseAttrs = { form: 'lp', p: 2, excludeSelf: true, rowOffset: 0 }
    runKernels(x, 64, 64, 10, attrs)
    const heap = () => {
      const b = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }
      return b.wasm?.HEAPU8.buffer.byteLength ?? 0
    }
    const before = { tensors: tf.memory().numTensors, heap: heap(), own: mainLseInstance().memoryBytes() }
    for (let r = 0; r < 5; r++) runKernels(x, 64, 64, 10, attrs)
    expect(tf.memory().numTensors).toBe(before.tensors)
    expect(heap()).toBe(before.heap)
    expect(mainLseInstance().memoryBytes()).toBe(before.own)
  })

  it('rejects bad attributes and shapes with typed errors', () => {
    const a = tf.zeros([4, 3])
    const b = tf.zeros([5, 3])
    const w = tf.ones([3])
    const run = (inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) => () =>
      tf.engine().runKernel(PAIRWISE_LSE_FORWARD, inputs, attrs as tf.NamedAttrMap)
    const ok = { form: 'lp', p: 2, excludeSelf: false, rowOffset: 0 }
    const cases: [() => unknown, string][] = [
      [run({ a, b, w }, { ...ok, form: 'cos' }), 'CL_INVALID_CONFIG'],
      [run({ a, b, w }, { ...ok, p: 0 }), 'CL_INVALID_CONFIG'],
      [run({ a, b, w }, { ...ok, excludeSelf: 1 }), 'CL_INVALID_CONFIG'],
      [run({ a, b, w }, { ...ok, rowOffset: 0.5 }), 'CL_INVALID_CONFIG'],
      [run({ a, b: tf.zeros([5, 2]), w }, ok), 'CL_SHAPE_MISMATCH'],
      [run({ a, b, w: tf.ones([2]) }, ok), 'CL_SHAPE_MISMATCH'],
      [run({ a: tf.zeros([4, 3], 'int32'), b, w }, ok), 'CL_INVALID_CONFIG'],
    ]
    for (const [f, code] of cases) {
      let err: unknown
      try {
        f()
      } catch (e) {
        err = e
      }
      expect(isClError(err, code as 'CL_INVALID_CONFIG'), String(err)).toBe(true)
    }
    tf.disposeVariables()
  })
})

describe('registration', () => {
  it('is idempotent and reports the backends', () => {
    registerPairwiseLseKernels()
    registerPairwiseLseKernels()
    expect(hasPairwiseLseKernel('wasm')).toBe(true)
    expect(hasPairwiseLseKernel('cpu')).toBe(true)
    expect(hasPairwiseLseKernel('webgl')).toBe(false)
  })
})
