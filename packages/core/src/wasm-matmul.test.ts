import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isFastWasmMatMulActive, useFastWasmMatMul, useStockWasmMatMul } from './wasm-matmul.js'

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true)
})

afterEach(() => {
  useStockWasmMatMul()
})

/** Deterministic values in [-1, 1). */
function filled(shape: number[], seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1)
  const v = new Float32Array(size)
  let s = seed >>> 0
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    v[i] = s / 2 ** 31 - 1
  }
  return tf.tensor(v, shape)
}

/** Swap the last two axes (the op, not the attribute). */
function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = [...Array(x.rank).keys()]
  perm[x.rank - 2] = x.rank - 1
  perm[x.rank - 1] = x.rank - 2
  return tf.transpose(x, perm)
}

/** float64 oracle of matMul(a, b, tA, tB) for rank 2 or equal-batch rank 3. */
function oracle(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): { shape: number[]; values: Float64Array } {
  const A = tf.tidy(() => (tA ? swapLast(a) : a).reshape([-1, ...(tA ? swapLast(a) : a).shape.slice(-2)]))
  const B = tf.tidy(() => (tB ? swapLast(b) : b).reshape([-1, ...(tB ? swapLast(b) : b).shape.slice(-2)]))
  const [ba, m, k] = A.shape as number[]
  const [bb, , n] = B.shape as number[]
  const av = A.dataSync()
  const bv = B.dataSync()
  const batch = Math.max(ba!, bb!)
  const out = new Float64Array(batch * m! * n!)
  for (let q = 0; q < batch; q++) {
    const oa = (ba === 1 ? 0 : q) * m! * k!
    const ob = (bb === 1 ? 0 : q) * k! * n!
    for (let i = 0; i < m!; i++) for (let j = 0; j < n!; j++) {
      let s = 0
      for (let l = 0; l < k!; l++) s += av[oa + i * k! + l]! * bv[ob + l * n! + j]!
      out[q * m! * n! + i * n! + j] = s
    }
  }
  tf.dispose([A, B])
  return { shape: [batch, m!, n!], values: out }
}

const combos = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const

/** [a shape, b shape] before any transpose flag is applied: a [.., m, k], b [.., k, n]. */
const cases: [string, number[], number[]][] = [
  ['2-D', [37, 23], [23, 19]],
  ['2-D, a row vector', [1, 64], [64, 33]],
  ['2-D, inner dim 1', [40, 1], [1, 30]],
  ['batched 3-D', [3, 17, 12], [3, 12, 9]],
  ['batch broadcast of b', [4, 11, 8], [1, 8, 6]],
]

const storage = (a: number[], t: boolean) => (t ? [...a.slice(0, -2), a.at(-1)!, a.at(-2)!] : a)

function numDataIds(): number {
  return tf.engine().backend.numDataIds()
}

describe('useFastWasmMatMul', () => {
  it('is idempotent, reversible and reports itself active', () => {
    expect(isFastWasmMatMulActive()).toBe(false)
    expect(useFastWasmMatMul()).toBe(true)
    const first = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc
    expect(useFastWasmMatMul()).toBe(true)
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).toBe(first)
    expect(isFastWasmMatMulActive()).toBe(true)
    expect(useStockWasmMatMul()).toBe(true)
    expect(isFastWasmMatMulActive()).toBe(false)
    expect(useStockWasmMatMul()).toBe(false)
  })

  for (const [label, aShape, bShape] of cases) {
    for (const [tA, tB] of combos) {
      it(`matMul ${label}, transposeA=${tA} transposeB=${tB}: bit-identical to stock on explicit transposes, equal to a float64 oracle`, () => {
        const a = filled(storage(aShape, tA), 1)
        const b = filled(storage(bShape, tB), 2)
        // Reference: stock kernels, operands transposed by the op (the XNNPACK path), and the stock transposed loop.
        const explicit = tf.tidy(() => tf.matMul(tA ? swapLast(a) : a, tB ? swapLast(b) : b).dataSync())
        const stockLoop = tf.tidy(() => tf.matMul(a, b, tA, tB).dataSync())
        useFastWasmMatMul()
        const tensorsBefore = tf.memory().numTensors
        const idsBefore = numDataIds()
        const c = tf.matMul(a, b, tA, tB)
        const fast = c.dataSync()
        c.dispose()
        expect(tf.memory().numTensors).toBe(tensorsBefore)
        expect(numDataIds()).toBe(idsBefore)
        expect(Array.from(fast)).toEqual(Array.from(explicit))
        const o = oracle(a, b, tA, tB)
        expect(fast.length).toBe(o.values.length)
        for (let i = 0; i < fast.length; i++) {
          expect(Math.abs(fast[i]! - o.values[i]!)).toBeLessThan(1e-5)
          expect(Math.abs(fast[i]! - stockLoop[i]!)).toBeLessThan(1e-5)
        }
        tf.dispose([a, b])
      })
    }
  }

  for (const [tA, tB] of combos) {
    it(`fused matMul + bias + relu, transposeA=${tA} transposeB=${tB}: bit-identical to stock on explicit transposes, leak-free`, () => {
      const a = filled(storage([29, 13], tA), 3)
      const b = filled(storage([13, 21], tB), 4)
      const bias = filled([21], 5)
      const explicit = tf.tidy(() => tf.fused.matMul({ a: tA ? swapLast(a) : a, b: tB ? swapLast(b) : b, bias, activation: 'relu' }).dataSync())
      useFastWasmMatMul()
      const tensorsBefore = tf.memory().numTensors
      const idsBefore = numDataIds()
      const c = tf.fused.matMul({ a, b, bias, transposeA: tA, transposeB: tB, activation: 'relu' })
      expect(Array.from(c.dataSync())).toEqual(Array.from(explicit))
      c.dispose()
      expect(tf.memory().numTensors).toBe(tensorsBefore)
      expect(numDataIds()).toBe(idsBefore)
      tf.dispose([a, b, bias])
    })
  }

  it('gradients of matMul and fused matMul run through it: the wrapped kernels only ever see untransposed operands', () => {
    // A spy in place of the stock kernels records the attributes each call reaches them with.
    const seen: { name: string; transposeA: boolean; transposeB: boolean }[] = []
    const originals = ['BatchMatMul', '_FusedMatMul'].map((name) => tf.getKernel(name, 'wasm')!)
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, 'wasm')
      tf.registerKernel({
        ...original,
        kernelFunc: (args) => {
          const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean }
          seen.push({ name: original.kernelName, transposeA: attrs.transposeA === true, transposeB: attrs.transposeB === true })
          return original.kernelFunc(args)
        },
      })
    }
    try {
      const x = filled([16, 7], 6)
      const w = filled([7, 5], 7)
      const bias = filled([5], 8)
      const loss = (w: tf.Tensor, bias: tf.Tensor) => {
        const h = tf.matMul(x, w) as tf.Tensor2D
        return tf.sum(tf.square(tf.fused.matMul({ a: h, b: tf.matMul(h, h, true, false), bias })))
      }
      const reference = tf.tidy(() => tf.grads(loss)([w, bias]).map((g) => Array.from(g.dataSync())))
      expect(seen.some((c) => c.transposeA || c.transposeB)).toBe(true)
      seen.length = 0
      useFastWasmMatMul()
      const before = tf.memory().numTensors
      const idsBefore = numDataIds()
      const grads = tf.grads(loss)([w, bias])
      const fast = grads.map((g) => Array.from(g.dataSync()))
      tf.dispose(grads)
      expect(tf.memory().numTensors).toBe(before)
      expect(numDataIds()).toBe(idsBefore)
      expect(seen.length).toBeGreaterThanOrEqual(6)
      expect(seen.every((c) => !c.transposeA && !c.transposeB)).toBe(true)
      for (const [i, g] of fast.entries()) for (const [j, v] of g.entries()) expect(Math.abs(v - reference[i]![j]!)).toBeLessThan(1e-4 * (1 + Math.abs(reference[i]![j]!)))
      tf.dispose([x, w, bias])
    } finally {
      useStockWasmMatMul()
      for (const original of originals) {
        tf.unregisterKernel(original.kernelName, 'wasm')
        tf.registerKernel(original)
      }
    }
  })

  it('frees every transposed copy: the wasm heap does not grow over many calls', () => {
    useFastWasmMatMul()
    const a = filled([256, 100], 9)
    const b = filled([256, 100], 10)
    const run = () => tf.tidy(() => tf.matMul(a, b, true, false).add(tf.matMul(a, b, false, true).sum()).dataSync())
    run()
    const heap = (tf.engine().backend as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length
    const ids = numDataIds()
    for (let i = 0; i < 50; i++) run()
    expect(numDataIds()).toBe(ids)
    expect((tf.engine().backend as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length).toBe(heap)
    tf.dispose([a, b])
  })
})
