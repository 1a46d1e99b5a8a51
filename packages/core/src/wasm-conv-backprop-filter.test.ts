import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  hasWasmConvGradients,
  isWasmConvBackpropFilterOurs,
  removeWasmConvGradients,
  useWasmConvGradients,
} from './wasm-conv-backprop-filter.js'
import { isFastWasmConvInputActive, useFastWasmConvInput, useStockWasmConvInput } from './wasm-conv-backprop-input.js'
import { useFastWasmKernels } from './wasm-kernels.js'

/** Tolerance of every wasm-vs-cpu comparison: max |wasm − cpu| ≤ TOL · max |cpu| (float32 summation order). */
const TOL = 1e-4

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true)
})

afterAll(async () => {
  removeWasmConvGradients()
  useStockWasmConvInput()
  await tf.setBackend('wasm')
})

/** Deterministic values in [-1, 1). */
function values(size: number, seed: number): Float32Array {
  const v = new Float32Array(size)
  let s = seed >>> 0
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    v[i] = s / 2 ** 31 - 1
  }
  return v
}

/** tfjs-core's `conv2DBackpropFilter` op is not exported; run the kernel as that op (and `Conv2D_grad.ts`) does. */
function backpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number,
  pad: Pad,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const attrs = { strides, pad, dataFormat, filterShape, ...(dimRoundingMode !== undefined ? { dimRoundingMode } : {}) }
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

/** Run `fn` with `backend` active and return its tensors' values; leaves wasm active. */
async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true)
  try {
    const out = fn()
    const data = out.map((t) => t.dataSync() as Float32Array)
    tf.dispose(out)
    return data
  } finally {
    await tf.setBackend('wasm')
  }
}

function expectClose(actual: Float32Array, expected: ArrayLike<number>, label: string): number {
  expect(actual.length, label).toBe(expected.length)
  let scale = 0
  let err = 0
  for (let i = 0; i < actual.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!))
    err = Math.max(err, Math.abs(actual[i]! - expected[i]!))
  }
  expect(scale, `${label}: gradient is not all zeros`).toBeGreaterThan(0)
  expect(err / scale, `${label}: max |Δ| / max |expected|`).toBeLessThanOrEqual(TOL)
  return err / scale
}

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]]

interface Case {
  readonly x: [number, number, number, number]
  readonly k: number
  readonly cout: number
  readonly stride: number
  readonly pad: Pad
}

const CASES: Case[] = [
  { x: [1, 5, 5, 1], k: 1, cout: 1, stride: 1, pad: 'valid' },
  { x: [2, 6, 6, 3], k: 1, cout: 4, stride: 2, pad: 'same' },
  { x: [3, 7, 7, 5], k: 3, cout: 6, stride: 1, pad: 'same' },
  { x: [3, 8, 8, 5], k: 3, cout: 6, stride: 1, pad: 'valid' },
  { x: [2, 8, 8, 4], k: 3, cout: 8, stride: 2, pad: 'same' },
  { x: [2, 9, 9, 4], k: 3, cout: 8, stride: 2, pad: 'same' },
  { x: [1, 9, 10, 2], k: 3, cout: 3, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 3], k: 3, cout: 5, stride: 1, pad: 1 },
  { x: [2, 8, 8, 3], k: 3, cout: 5, stride: 2, pad: [[0, 0], [1, 0], [0, 2], [0, 0]] },
  { x: [2, 16, 16, 3], k: 7, cout: 16, stride: 2, pad: 'same' },
  { x: [1, 15, 15, 3], k: 7, cout: 8, stride: 2, pad: 3 },
  { x: [4, 8, 8, 64], k: 3, cout: 64, stride: 1, pad: 'same' },
  { x: [4, 8, 8, 32], k: 1, cout: 64, stride: 2, pad: 'valid' },
  { x: [8, 4, 4, 16], k: 3, cout: 32, stride: 2, pad: 'same' },
]

const label = (c: Case) => `x [${c.x.join('×')}], ${c.k}×${c.k}→${c.cout}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`

/** The filter gradient of Σ conv2d(x, w) ⊙ r for a fixed random r, through `tf.grad` (so through the registered kernel). */
function filterGradient(c: Case): tf.Tensor {
  const x = tf.tensor4d(values(sizeOf(c.x), 11), c.x)
  const wShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.cout]
  const w = tf.tensor4d(values(sizeOf(wShape), 12), wShape)
  const y = tf.conv2d(x, w, c.stride, c.pad)
  const r = tf.tensor(values(sizeOf(y.shape), 13), y.shape)
  const g = tf.grad((w) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, c.stride, c.pad), r)))(w)
  tf.dispose([x, w, y, r])
  return g
}

/** The input gradient of Σ conv2d(x, w) ⊙ r (runs Conv2DBackpropInput). */
function inputGradient(c: Case): tf.Tensor {
  const x = tf.tensor4d(values(sizeOf(c.x), 11), c.x)
  const wShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.cout]
  const w = tf.tensor4d(values(sizeOf(wShape), 12), wShape)
  const y = tf.conv2d(x, w, c.stride, c.pad)
  const r = tf.tensor(values(sizeOf(y.shape), 13), y.shape)
  const g = tf.grad((x) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w, c.stride, c.pad), r)))(x)
  tf.dispose([x, w, y, r])
  return g
}

describe('useFastWasmConvInput', () => {
  it('is idempotent and reversible', () => {
    expect(isFastWasmConvInputActive()).toBe(false)
    expect(useFastWasmConvInput()).toBe(true)
    const first = tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc
    expect(useFastWasmConvInput()).toBe(true)
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).toBe(first)
    expect(useStockWasmConvInput()).toBe(true)
    expect(useStockWasmConvInput()).toBe(false)
    expect(isFastWasmConvInputActive()).toBe(false)
  })

  for (const c of CASES) {
    it(`input gradient matches the cpu backend and the stock wasm kernel within ${TOL} of its max magnitude: ${label(c)}`, async () => {
      const [expected] = await on('cpu', () => [inputGradient(c)])
      useStockWasmConvInput()
      const stock = tf.tidy(() => inputGradient(c).dataSync() as Float32Array)
      useFastWasmConvInput()
      const before = tf.memory().numTensors
      const g = inputGradient(c)
      expect(g.shape).toEqual([...c.x])
      const fast = g.dataSync() as Float32Array
      g.dispose()
      expect(tf.memory().numTensors).toBe(before)
      expectClose(fast, expected!, `${label(c)} vs cpu`)
      expectClose(fast, stock, `${label(c)} vs stock wasm`)
    })
  }

  it('tf.conv2dTranspose (the same kernel) matches cpu, stride 2, same', async () => {
    useFastWasmConvInput()
    const run = () => [
      tf.tidy(() => tf.conv2dTranspose(tf.tensor4d(values(2 * 4 * 4 * 6, 51), [2, 4, 4, 6]), tf.tensor4d(values(3 * 3 * 5 * 6, 52), [3, 3, 5, 6]), [2, 8, 8, 5], 2, 'same')),
    ]
    const [expected] = await on('cpu', run)
    const [actual] = await on('wasm', run)
    expectClose(actual!, expected!, 'conv2dTranspose')
  })

  it('frees every intermediate over repeated calls', () => {
    useFastWasmConvInput()
    const c: Case = { x: [8, 16, 16, 16], k: 3, cout: 16, stride: 2, pad: 'same' }
    const backend = tf.engine().backend as unknown as { numDataIds(): number; wasm: { HEAPU8: Uint8Array } }
    const step = () => tf.tidy(() => inputGradient(c).sum().dataSync())
    step()
    const tensors = tf.memory().numTensors
    const ids = backend.numDataIds()
    const heap = backend.wasm.HEAPU8.length
    for (let i = 0; i < 40; i++) step()
    expect(tf.memory().numTensors).toBe(tensors)
    expect(backend.numDataIds()).toBe(ids)
    expect(backend.wasm.HEAPU8.length).toBe(heap)
  })
})

describe('useWasmConvGradients', () => {
  it('stock tfjs-wasm 4.22 lacks the kernel: tf.grad of conv2d w.r.t. the filter throws', () => {
    removeWasmConvGradients()
    expect(hasWasmConvGradients()).toBe(false)
    const c = CASES[2]!
    expect(() => tf.tidy(() => filterGradient(c))).toThrow(/Conv2DBackpropFilter/)
  })

  it('is idempotent, leaves an existing registration alone, and useFastWasmKernels installs it', () => {
    expect(useWasmConvGradients()).toBe(true)
    const first = tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc
    expect(isWasmConvBackpropFilterOurs()).toBe(true)
    expect(useWasmConvGradients()).toBe(true)
    expect(useFastWasmKernels()).toBe(true)
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc).toBe(first)
    // Someone else's kernel (a future tfjs) is kept.
    expect(removeWasmConvGradients()).toBe(true)
    expect(removeWasmConvGradients()).toBe(false)
    const foreign: tf.KernelFunc = () => {
      throw new Error('foreign')
    }
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: foreign })
    expect(useWasmConvGradients()).toBe(true)
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc).toBe(foreign)
    expect(isWasmConvBackpropFilterOurs()).toBe(false)
    expect(removeWasmConvGradients()).toBe(false)
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm')
    expect(useWasmConvGradients()).toBe(true)
    expect(isWasmConvBackpropFilterOurs()).toBe(true)
  })

  for (const c of CASES) {
    it(`filter gradient matches the cpu backend within ${TOL} of its max magnitude: ${label(c)}`, async () => {
      useWasmConvGradients()
      const [expected] = await on('cpu', () => [filterGradient(c)])
      const before = tf.memory().numTensors
      const g = filterGradient(c)
      expect(g.shape).toEqual([c.k, c.k, c.x[3], c.cout])
      expect(tf.getBackend()).toBe('wasm')
      expectClose(g.dataSync() as Float32Array, expected!, label(c))
      g.dispose()
      expect(tf.memory().numTensors).toBe(before)
    })
  }

  it('tf.conv2dBackpropFilter called directly (dy of the right shape) matches cpu, 5×5 dilation-free, dimRoundingMode round', async () => {
    useWasmConvGradients()
    const run = () => {
      const x = tf.tensor4d(values(2 * 11 * 11 * 3, 21), [2, 11, 11, 3])
      const dy = tf.tensor4d(values(2 * 4 * 4 * 7, 22), [2, 4, 4, 7])
      const g = backpropFilter(x, dy, [5, 5, 3, 7], 3, 1, 'NHWC', 'round')
      tf.dispose([x, dy])
      return [g]
    }
    const [expected] = await on('cpu', run)
    const [actual] = await on('wasm', run)
    expectClose(actual!, expected!, 'direct conv2DBackpropFilter')
  })

  it('equals an independent float64 plain-TS filter gradient on a tiny case (stride 2, pad same)', () => {
    useWasmConvGradients()
    const [n, h, w, cin, cout, k, s] = [2, 5, 6, 2, 3, 3, 2]
    const xv = values(n * h * w * cin, 31)
    const dyShape = [n, Math.ceil(h / s), Math.ceil(w / s), cout] as const
    const dyv = values(sizeOf(dyShape), 32)
    const [, ho, wo] = dyShape
    // 'same': total padding max((o−1)·s + k − in, 0), the smaller half on top/left (TensorFlow's convention).
    const top = Math.floor(Math.max((ho - 1) * s + k - h, 0) / 2)
    const left = Math.floor(Math.max((wo - 1) * s + k - w, 0) / 2)
    const oracle = new Float64Array(k * k * cin * cout)
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) {
      let acc = 0
      for (let b = 0; b < n; b++) for (let y = 0; y < ho; y++) for (let xx = 0; xx < wo; xx++) {
        const r = y * s + i - top
        const q = xx * s + j - left
        if (r < 0 || r >= h || q < 0 || q >= w) continue
        acc += xv[((b * h + r) * w + q) * cin + c]! * dyv[((b * ho + y) * wo + xx) * cout + o]!
      }
      oracle[((i * k + j) * cin + c) * cout + o] = acc
    }
    const g = tf.tidy(() =>
      backpropFilter(tf.tensor4d(xv, [n, h, w, cin]), tf.tensor4d(dyv, [...dyShape]), [k, k, cin, cout], s, 'same'),
    )
    const err = expectClose(g.dataSync() as Float32Array, oracle, 'float64 oracle')
    expect(err).toBeLessThan(1e-6)
    g.dispose()
  })

  it('a small ResNet-like net (conv, batch-norm arithmetic, relu, residual add, strided conv, mean pool): every gradient matches cpu', async () => {
    useFastWasmKernels()
    const shapes: Record<string, number[]> = {
      w1: [3, 3, 3, 8],
      gamma1: [8],
      beta1: [8],
      w2: [3, 3, 8, 8],
      gamma2: [8],
      beta2: [8],
      w3: [3, 3, 8, 16],
      wskip: [1, 1, 8, 16],
      head: [16, 4],
    }
    const run = () => {
      const vars = Object.entries(shapes).map(([name, shape], i) => tf.tensor(values(sizeOf(shape), 40 + i).map((v) => v * 0.5 + (name.startsWith('gamma') ? 1 : 0)), shape))
      const x = tf.tensor4d(values(4 * 10 * 10 * 3, 39), [4, 10, 10, 3])
      const bn = (h: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D => {
        const mean = tf.mean(h, [0, 1, 2])
        const variance = tf.mean(tf.square(tf.sub(h, mean)), [0, 1, 2])
        return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta) as tf.Tensor4D
      }
      const loss = (...v: tf.Tensor[]) => {
        const [w1, g1, b1, w2, g2, b2, w3, wskip, head] = v as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.Tensor4D, tf.Tensor, tf.Tensor, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D]
        const h1 = tf.relu(bn(tf.conv2d(x, w1, 1, 'same'), g1, b1))
        const h2 = tf.relu(tf.add(bn(tf.conv2d(h1, w2, 1, 'same'), g2, b2), h1)) as tf.Tensor4D
        const h3 = tf.relu(tf.add(tf.conv2d(h2, w3, 2, 'same'), tf.conv2d(h2, wskip, 2, 'valid'))) as tf.Tensor4D
        const pooled = tf.mean(h3, [1, 2]) as tf.Tensor2D
        return tf.sum(tf.square(tf.matMul(pooled, head)))
      }
      const grads = tf.grads(loss)(vars)
      tf.dispose([...vars, x])
      return grads
    }
    const expected = await on('cpu', run)
    const before = tf.memory().numTensors
    const actual = await on('wasm', run)
    expect(tf.memory().numTensors).toBe(before)
    expect(actual.length).toBe(Object.keys(shapes).length)
    for (const [i, name] of Object.keys(shapes).entries()) expectClose(actual[i]!, expected[i]!, `d loss / d ${name}`)
  })

  it('rejects NCHW with a typed error naming the field', () => {
    useWasmConvGradients()
    const x = tf.zeros([1, 2, 5, 5]) as tf.Tensor4D
    const dy = tf.zeros([1, 2, 5, 5]) as tf.Tensor4D
    expect(() => backpropFilter(x, dy, [3, 3, 2, 2], 1, 'same', 'NCHW')).toThrow(/dataFormat/)
    tf.dispose([x, dy])
  })

  it('frees every intermediate: tensors, data ids and the wasm heap stay put over repeated calls', () => {
    useWasmConvGradients()
    // dy is 128 KiB here: XNNPACK operators cached per filter (dyᵀ) and never freed would grow the heap by MiBs.
    const c: Case = { x: [8, 16, 16, 16], k: 3, cout: 16, stride: 1, pad: 'same' }
    const backend = tf.engine().backend as unknown as { numDataIds(): number; wasm: { HEAPU8: Uint8Array } }
    const step = () => tf.tidy(() => filterGradient(c).sum().dataSync())
    step()
    const tensors = tf.memory().numTensors
    const ids = backend.numDataIds()
    const heap = backend.wasm.HEAPU8.length
    for (let i = 0; i < 40; i++) step()
    expect(tf.memory().numTensors).toBe(tensors)
    expect(backend.numDataIds()).toBe(ids)
    expect(backend.wasm.HEAPU8.length).toBe(heap)
  })
})
