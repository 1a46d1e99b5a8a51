import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { InvalidConfigError, ShapeMismatchError, countLeakedTensors } from '@cl/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { candidateLogSumExp, type CandidateSpec } from './candidate-lse.js'
import { setPairwiseLseForceTiled } from './kernel/auto-register.js'
import { MASK_VALUE } from './logsumexp.js'
import { pairwiseLogSumExp, pairwiseLogSumExpWith } from './pairwise-lse.js'
import { PAIRWISE_LSE_BACKWARD, PAIRWISE_LSE_FORWARD, type PairwiseLseAttrs } from './pairwise-lse-kernel.js'
import { randomMat, type Mat } from './test-oracles.js'

/**
 * The fused pairwise log-sum-exp: the tiled stock-op path against the contract's math in float64 (plain loops) and
 * against the untiled stock formulation, on cpu and wasm; kernel dispatch with a fake registered kernel; memory.
 */

afterAll(async () => {
  setPairwiseLseForceTiled(false)
  await tf.setBackend('cpu')
})

/** Contract forward in float64: lse_i over J(i) (MASK_VALUE for an empty row). */
function oracleForward(a: Mat, b: Mat, w: number[], attrs: PairwiseLseAttrs): number[] {
  return a.map((ai, i) => {
    const logits: number[] = []
    b.forEach((bj, j) => {
      if (attrs.excludeSelf && j === i + attrs.rowOffset) return
      logits.push(logit(ai, bj, w, attrs))
    })
    if (logits.length === 0) return MASK_VALUE
    const m = Math.max(...logits)
    return m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0))
  })
}

function logit(ai: number[], bj: number[], w: number[], attrs: PairwiseLseAttrs): number {
  let s = 0
  for (let k = 0; k < ai.length; k++) {
    if (attrs.form === 'dot') s += w[k]! * ai[k]! * bj[k]!
    else s -= w[k]! * (Math.abs(ai[k]! - bj[k]!) + (attrs.p < 1 ? 1e-12 : 0)) ** attrs.p
  }
  return s
}

/** Contract backward in float64: the gradient of Σ_i dy_i·lse_i. */
function oracleBackward(a: Mat, b: Mat, w: number[], lse: number[], dy: number[], attrs: PairwiseLseAttrs) {
  const d = w.length
  const da = a.map(() => new Array<number>(d).fill(0))
  const db = b.map(() => new Array<number>(d).fill(0))
  const dw = new Array<number>(d).fill(0)
  a.forEach((ai, i) => {
    if (lse[i] === MASK_VALUE) return
    b.forEach((bj, j) => {
      if (attrs.excludeSelf && j === i + attrs.rowOffset) return
      const g = dy[i]! * Math.exp(logit(ai, bj, w, attrs) - lse[i]!)
      for (let k = 0; k < d; k++) {
        if (attrs.form === 'dot') {
          da[i]![k]! += g * w[k]! * bj[k]!
          db[j]![k]! += g * w[k]! * ai[k]!
          dw[k]! += g * ai[k]! * bj[k]!
        } else {
          const x = ai[k]! - bj[k]!
          const abs = Math.abs(x) + (attrs.p < 1 ? 1e-12 : 0)
          const slope = attrs.p * abs ** (attrs.p - 1) * Math.sign(x)
          da[i]![k]! -= g * w[k]! * slope
          db[j]![k]! += g * w[k]! * slope
          dw[k]! -= g * abs ** attrs.p
        }
      }
    })
  })
  return { da, db, dw }
}

/** max |x − y| ≤ rel · max(|y|, floor), entry by entry over flattened arrays. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, label: string) {
  expect(actual.length, label).toBe(expected.length)
  let scale = 1e-3
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!))
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `${label}[${i}]`).toBeLessThanOrEqual(rel * scale)
  }
}

type Case = { name: string; attrs: PairwiseLseAttrs; n: number; m: number; shared: boolean; tile: number }

const D = 5
const W = [2, 0.5, 1, 3, 1.25]
const cases: Case[] = []
for (const form of ['dot', 'lp'] as const) {
  for (const p of form === 'dot' ? [1] : [2, 1, 0.5, 3]) {
    cases.push(
      { name: `${form} p=${p}, 37×23, tile 8`, attrs: { form, p, excludeSelf: false, rowOffset: 0 }, n: 37, m: 23, shared: false, tile: 8 },
      { name: `${form} p=${p}, shared 30, self included, tile 7`, attrs: { form, p, excludeSelf: false, rowOffset: 0 }, n: 30, m: 30, shared: true, tile: 7 },
      { name: `${form} p=${p}, shared 29, excl. self, tile 7`, attrs: { form, p, excludeSelf: true, rowOffset: 0 }, n: 29, m: 29, shared: true, tile: 7 },
      { name: `${form} p=${p}, rows 5..16 of 19, excl. self, tile 4`, attrs: { form, p, excludeSelf: true, rowOffset: 5 }, n: 11, m: 19, shared: false, tile: 4 },
      { name: `${form} p=${p}, 1×1 excl. self (empty row)`, attrs: { form, p, excludeSelf: true, rowOffset: 0 }, n: 1, m: 1, shared: true, tile: 1024 },
      { name: `${form} p=${p}, 3×1 excl. self, tile 1`, attrs: { form, p, excludeSelf: true, rowOffset: 0 }, n: 3, m: 1, shared: false, tile: 1 },
    )
  }
}

/** Inputs of a case: b = a for shared; scaled so that softmax rows are neither one-hot nor flat. */
function inputs(c: Case) {
  const scale = c.attrs.form === 'dot' ? 0.7 : 0.5
  const a = randomMat(11 + c.n, c.n, D, scale)
  const b = c.shared ? a : randomMat(12 + c.m, c.m, D, scale)
  const dy = randomMat(13, 1, c.n)[0]!.map((v) => 1 + 0.5 * v)
  return { a, b, dy }
}

for (const backend of ['cpu', 'wasm']) {
  describe(`tiled pairwise log-sum-exp on ${backend}`, () => {
    beforeAll(async () => {
      setPairwiseLseForceTiled(true) // `candidateLogSumExp` below would otherwise run the kernel
      expect(await tf.setBackend(backend)).toBe(true)
    })
    afterAll(() => setPairwiseLseForceTiled(false))

    for (const c of cases) {
      it(`${c.name}: lse and gradients vs float64 contract`, () => {
        const { a, b, dy } = inputs(c)
        const at = tf.tensor2d(a)
        const bt = c.shared ? at : tf.tensor2d(b)
        const wt = tf.tensor1d(W)
        const dyt = tf.tensor1d(dy)
        const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.tidy(() => tf.sum(tf.mul(pairwiseLogSumExpWith(x as tf.Tensor2D, y as tf.Tensor2D, z, c.attrs, c.tile, false), dyt)))
        const lse = pairwiseLogSumExpWith(at, bt, wt, c.attrs, c.tile, false)
        const refLse = oracleForward(a, b, W, c.attrs)
        expectClose(lse.dataSync(), refLse, 1e-5, 'lse')
        const ref = oracleBackward(a, c.shared ? a : b, W, refLse, dy, c.attrs)
        if (c.shared) {
          // one tensor as both a and b: its gradient is da + db
          const [g, gw] = tf.grads((x: tf.Tensor, z: tf.Tensor) => f(x, x, z))([at, wt])
          expectClose(g!.dataSync(), ref.da.flatMap((row, i) => row.map((v, k) => v + ref.db[i]![k]!)), 1e-4, 'da + db')
          expectClose(gw!.dataSync(), ref.dw, 1e-4, 'dw')
          tf.dispose([g!, gw!])
        } else {
          const [ga, gb, gw] = tf.grads(f)([at, bt, wt])
          expectClose(ga!.dataSync(), ref.da.flat(), 1e-4, 'da')
          expectClose(gb!.dataSync(), ref.db.flat(), 1e-4, 'db')
          expectClose(gw!.dataSync(), ref.dw, 1e-4, 'dw')
          tf.dispose([ga!, gb!, gw!])
        }
        expect(countLeakedTensors(() => f(at, bt, wt)), 'forward leak').toBe(0)
        expect(countLeakedTensors(() => tf.grads(f)([at, bt, wt])), 'forward + gradient leak').toBe(0)
        tf.dispose([lse, at, bt, wt, dyt])
      })
    }

    it('fused vs the untiled stock formulation at a scalar w, incl. the gradient w.r.t. the scalar', () => {
      const a = tf.tensor2d(randomMat(21, 45, D, 0.6))
      const negatives = tf.tensor2d(randomMat(22, 33, D, 0.6))
      const tau = tf.scalar(0.7)
      for (const form of ['lp', 'dot'] as const) {
        for (const [b, excludeSelf] of [[a, true], [negatives, false]] as const) {
          const run = (implementation: 'fused' | 'stock') =>
            tf.grads((x: tf.Tensor, y: tf.Tensor, t: tf.Tensor) => {
              const spec: CandidateSpec = { form, p: 2, excludeSelf, weights: tf.reciprocal(t), implementation, tileSize: 16 }
              return tf.sum(tf.square(candidateLogSumExp(x as tf.Tensor2D, y as tf.Tensor2D, 0, spec)))
            })([a, b, tau])
          const fused = run('fused')
          const stock = run('stock')
          fused.forEach((g, i) => expectClose(g.dataSync(), stock[i]!.dataSync(), 1e-4, `${form} excl. ${excludeSelf} grad ${i}`))
          tf.dispose([...fused, ...stock])
        }
      }
      tf.dispose([a, negatives, tau])
    })
  })
}

describe('dispatch to a registered kernel', () => {
  // A private copy of the cpu backend with fake kernels (float64 oracles that count their calls), so that real kernels
  // registered for 'cpu' or 'wasm' are never replaced or unregistered by this test.
  const FAKE = 'cl-test-fake-lse'
  const calls = { forward: 0, backward: 0 }
  beforeAll(async () => {
    const cpu = tf.findBackend('cpu')!
    tf.registerBackend(FAKE, () => new (cpu.constructor as new () => tf.KernelBackend)())
    tf.copyRegisteredKernels('cpu', FAKE)
    for (const name of [PAIRWISE_LSE_FORWARD, PAIRWISE_LSE_BACKWARD]) if (tf.getKernel(name, FAKE)) tf.unregisterKernel(name, FAKE)
    expect(await tf.setBackend(FAKE)).toBe(true)
    type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: tf.KernelBackend; attrs?: Record<string, unknown> }
    const read = (backend: tf.KernelBackend, t: tf.TensorInfo): Mat => {
      const values = Array.from(backend.readSync(t.dataId) as Float32Array)
      const cols = t.shape[1] ?? values.length
      return Array.from({ length: values.length / cols }, (_, i) => values.slice(i * cols, (i + 1) * cols))
    }
    const out = (backend: tf.KernelBackend, values: number[], shape: number[]) =>
      (backend as unknown as { makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo }).makeTensorInfo(shape, 'float32', Float32Array.from(values))
    tf.registerKernel({
      kernelName: PAIRWISE_LSE_FORWARD,
      backendName: FAKE,
      kernelFunc: ({ inputs: ins, backend, attrs }: KernelArgs) => {
        calls.forward++
        const a = read(backend, ins['a']!)
        const lse = oracleForward(a, read(backend, ins['b']!), read(backend, ins['w']!)[0]!, attrs as unknown as PairwiseLseAttrs)
        return out(backend, lse, [a.length])
      },
    } as unknown as tf.KernelConfig)
    tf.registerKernel({
      kernelName: PAIRWISE_LSE_BACKWARD,
      backendName: FAKE,
      kernelFunc: ({ inputs: ins, backend, attrs }: KernelArgs) => {
        calls.backward++
        const [a, b] = [read(backend, ins['a']!), read(backend, ins['b']!)]
        const w = read(backend, ins['w']!)[0]!
        const g = oracleBackward(a, b, w, read(backend, ins['lse']!)[0]!, read(backend, ins['dy']!)[0]!, attrs as unknown as PairwiseLseAttrs)
        return [out(backend, g.da.flat(), [a.length, w.length]), out(backend, g.db.flat(), [b.length, w.length]), out(backend, g.dw, [w.length])]
      },
    } as unknown as tf.KernelConfig)
  })
  afterEach(() => {
    calls.forward = 0
    calls.backward = 0
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
    tf.removeBackend(FAKE)
    tf.unregisterKernel(PAIRWISE_LSE_FORWARD, FAKE)
    tf.unregisterKernel(PAIRWISE_LSE_BACKWARD, FAKE)
  })

  it('forward and backward run the kernels on their backend with the contract attrs, and agree with the tiled path', () => {
    const a = tf.tensor2d(randomMat(31, 9, D))
    const b = tf.tensor2d(randomMat(32, 6, D))
    const w = tf.scalar(0.8) // broadcast to [d] before the kernel
    const attrs: PairwiseLseAttrs = { form: 'lp', p: 1.5, excludeSelf: true, rowOffset: 2 }
    const viaKernel = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
      tf.sum(tf.square(pairwiseLogSumExp(x as tf.Tensor2D, y as tf.Tensor2D, z, attrs))),
    )([a, b, w])
    expect(calls).toEqual({ forward: 1, backward: 1 })
    const tiled = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
      tf.sum(tf.square(pairwiseLogSumExpWith(x as tf.Tensor2D, y as tf.Tensor2D, z, attrs, 4, false))),
    )([a, b, w])
    expect(calls).toEqual({ forward: 1, backward: 1 })
    viaKernel.forEach((g, i) => expectClose(g.dataSync(), tiled[i]!.dataSync(), 1e-4, `grad ${i}`))
    expect(viaKernel[2]!.shape).toEqual([])
    expect(countLeakedTensors(() => tf.grads((x: tf.Tensor) => tf.sum(pairwiseLogSumExp(x as tf.Tensor2D, b, w, attrs)))([a]))).toBe(0)
    tf.dispose([...viaKernel, ...tiled, a, b, w])
  })

  it('another backend never calls this backend\'s kernel', async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
    const a = tf.tensor2d(randomMat(33, 4, D))
    const w = tf.ones([D])
    const lse = pairwiseLogSumExp(a, a, w, { form: 'dot', p: 1, excludeSelf: false, rowOffset: 0 })
    expect(calls.forward).toBe(0)
    tf.dispose([a, w, lse])
    expect(await tf.setBackend(FAKE)).toBe(true)
  })
})

describe('validation', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })
  const attrs: PairwiseLseAttrs = { form: 'lp', p: 2, excludeSelf: false, rowOffset: 0 }
  it('typed errors for tileSize, attrs and shapes', () => {
    const a = tf.zeros([3, 2]) as tf.Tensor2D
    const w = tf.ones([2])
    for (const tileSize of [0, -1, 1.5, Number.NaN, '8']) {
      expect(() => pairwiseLogSumExp(a, a, w, attrs, { tileSize: tileSize as number })).toThrow(InvalidConfigError)
      expect(() => pairwiseLogSumExp(a, a, w, attrs, { tileSize: tileSize as number })).toThrow(/tileSize/)
    }
    expect(() => pairwiseLogSumExp(a, a, w, { ...attrs, form: 'l2' as 'lp' })).toThrow(/attrs\.form/)
    expect(() => pairwiseLogSumExp(a, a, w, { ...attrs, p: 0 })).toThrow(/attrs\.p/)
    expect(() => pairwiseLogSumExp(a, a, w, { ...attrs, rowOffset: -1 })).toThrow(/attrs\.rowOffset/)
    expect(() => pairwiseLogSumExp(a, a, w, { ...attrs, excludeSelf: 1 as unknown as boolean })).toThrow(/attrs\.excludeSelf/)
    expect(() => pairwiseLogSumExp(a, tf.zeros([3, 3]) as tf.Tensor2D, w, attrs)).toThrow(ShapeMismatchError)
    expect(() => pairwiseLogSumExp(a, a, tf.ones([3]), attrs)).toThrow(ShapeMismatchError)
    tf.dispose([a, w])
  })
})

describe('memory O((N + M)·d + tile²)', () => {
  it('N = 4096: peak bytes of forward + backward stay far below one N×N float32 matrix', async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
    const n = 4096
    const d = 10
    const f = tf.randomNormal([n, d], 0, 1, 'float32', 5) as tf.Tensor2D
    const w = tf.ones([d])
    for (const attrs of [
      { form: 'lp', p: 2, excludeSelf: false, rowOffset: 0 },
      { form: 'dot', p: 1, excludeSelf: true, rowOffset: 0 },
    ] as const) {
      const info = await tf.profile(() => {
        const [g] = tf.grads((x: tf.Tensor) => tf.sum(pairwiseLogSumExpWith(x as tf.Tensor2D, x as tf.Tensor2D, w, attrs, 1024, false)))([f])
        return g!
      })
      const nn = 4 * n * n
      console.info(`peak ${attrs.form}: ${(info.peakBytes / 2 ** 20).toFixed(1)} MiB (N×N float32: ${(nn / 2 ** 20).toFixed(0)} MiB)`)
      expect(info.peakBytes).toBeLessThan(nn / 2)
      tf.dispose(info.result)
    }
    tf.dispose([f, w])
  }, 120_000)
})
