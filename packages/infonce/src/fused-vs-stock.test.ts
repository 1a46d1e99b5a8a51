import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { InvalidConfigError, countLeakedTensors } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosineInfoNce } from './cosine-infonce.js'
import { evaluateInfoNce, type EvaluateInfoNceOptions } from './evaluate.js'
import { setPairwiseLseForceTiled } from './kernel/auto-register.js'
import { hasPairwiseLseKernel, pairwiseLseImplementation } from './kernel/index.js'
import { createLearnableTemperature } from './learnable-temperature.js'
import { lpInfoNce } from './lp-infonce.js'
import { ntXent } from './nt-xent.js'
import type { InfoNceTerms } from './terms.js'
import { randomMat } from './test-oracles.js'

/**
 * Every loss form with `implementation: 'fused'` (the default) against `'stock'` (the untiled reference): values within
 * 1e-5 relative, gradients w.r.t. f, fPositive, an explicit negatives tensor and a tensor τ within 1e-4 of the largest
 * stock entry, on cpu and wasm; N not a multiple of the tile, N = 1; no leaked tensors. Run twice: first with the
 * tiled stock-op path forced (`setPairwiseLseForceTiled`, internal), then by default — the wasm-SIMD kernels, which
 * `pairwiseLogSumExp` registers on first use without any explicit call.
 */

afterAll(async () => {
  setPairwiseLseForceTiled(false)
  await tf.setBackend('cpu')
})

const D = 5
const TAU_VECTOR = [0.4, 0.4, 1, 1, 0.7]
const TILE = 16

type Impl = 'fused' | 'stock'
type NegSpec = 'batch' | 'batch-excluding-self' | 'tensor'
/** A loss of (f, fPositive, negatives tensor or undefined, τ tensor) under an implementation. */
type Loss = (f: tf.Tensor2D, fp: tf.Tensor2D, neg: tf.Tensor2D | undefined, tau: tf.Tensor, impl: Impl) => InfoNceTerms

interface Config {
  readonly name: string
  /** Lp exponent when the anchor is among its own candidates (Lp with `'batch'`). */
  readonly selfPairP?: number
  readonly loss: Loss
  readonly negatives: NegSpec
  readonly vectorTau: boolean
}

const configs: Config[] = []
for (const negatives of ['batch', 'batch-excluding-self', 'tensor'] as const) {
  for (const vectorTau of [false, true]) {
    const neg = (n: tf.Tensor2D | undefined) => (negatives === 'tensor' ? n! : negatives)
    for (const p of [2, 1, 0.5, 3]) {
      configs.push({
        name: `lp p=${p}, ${negatives}, ${vectorTau ? 'per-dim' : 'scalar'} τ`,
        ...(negatives === 'batch' ? { selfPairP: p } : {}),
        negatives,
        vectorTau,
        loss: (f, fp, n, tau, implementation) => lpInfoNce(f, fp, { p, tau, negatives: neg(n), implementation, tileSize: TILE }),
      })
    }
    for (const normalize of [true, false]) {
      configs.push({
        name: `cosine${normalize ? '' : ' w/o norm'}, ${negatives}, ${vectorTau ? 'per-dim' : 'scalar'} τ`,
        negatives,
        vectorTau,
        loss: (f, fp, n, tau, implementation) => cosineInfoNce(f, fp, { normalize, tau, negatives: neg(n), implementation, tileSize: TILE }),
      })
    }
  }
}
for (const vectorTau of [false, true]) {
  for (const normalize of [true, false]) {
    configs.push({
      name: `nt-xent${normalize ? '' : ' w/o norm'}, ${vectorTau ? 'per-dim' : 'scalar'} τ`,
      negatives: 'batch',
      vectorTau,
      loss: (f, fp, _n, tau, implementation) => ntXent(f, fp, { normalize, tau, implementation, tileSize: TILE }),
    })
  }
}

/** max |x − y| ≤ rel · max(|y|_∞, floor). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, floor: number, label: string) {
  expect(actual.length, label).toBe(expected.length)
  let scale = floor
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!))
  let worst = 0
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!))
  expect(worst, label).toBeLessThanOrEqual(rel * scale)
}

/** Lp-InfoNCE with `'batch'` negatives in float64 (cl-ica semantics, 1e-12 inside |·| for p < 1). */
function lpLoss64(f: number[][], fp: number[][], tau: number[], p: number): number {
  const eps = p < 1 ? 1e-12 : 0
  const dist = (x: number[], y: number[]) => x.reduce((s, v, k) => s + (Math.abs(v - y[k]!) + eps) ** p / tau[k]!, 0)
  let total = 0
  f.forEach((fi, i) => {
    const logits = [...f.map((fj) => -dist(fi, fj)), -dist(fi, fp[i]!)]
    const m = Math.max(...logits)
    total += dist(fi, fp[i]!) + m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0))
  })
  return total / f.length
}

/** Central differences (h = 1e-6) of {@link lpLoss64} w.r.t. f, fPositive and τ (scalar or per dimension). */
function lpFiniteDifferences(config: Config, inputs: tf.Tensor[]): Float64Array[] {
  const [f, fp, tau] = inputs.map((t) => t.arraySync()) as [number[][], number[][], number | number[]]
  const d = f[0]!.length
  const tauVec = (t: number | number[]) => (typeof t === 'number' ? new Array<number>(d).fill(t) : t)
  const p = config.selfPairP!
  const h = 1e-6
  const fd = (fn: (delta: number) => number) => (fn(h) - fn(-h)) / (2 * h)
  const dMat = (which: 0 | 1) =>
    Float64Array.from(
      (which === 0 ? f : fp).flatMap((row, i) =>
        row.map((_, k) =>
          fd((delta) => {
            const x = (which === 0 ? f : fp).map((r) => r.slice())
            x[i]![k]! += delta
            return which === 0 ? lpLoss64(x, fp, tauVec(tau), p) : lpLoss64(f, x, tauVec(tau), p)
          }),
        ),
      ),
    )
  const dTau =
    typeof tau === 'number'
      ? Float64Array.of(fd((delta) => lpLoss64(f, fp, tauVec(tau + delta), p)))
      : Float64Array.from(tau.map((_, k) => fd((delta) => lpLoss64(f, fp, tau.map((t, j) => (j === k ? t + delta : t)), p))))
  return [dMat(0), dMat(1), dTau]
}

/** Values [total, align, uniform] and gradients w.r.t. (f, fPositive, [negatives,] τ) of one implementation. */
function evaluate(config: Config, inputs: tf.Tensor[], impl: Impl): { values: number[]; grads: Float32Array[] } {
  const call = (xs: tf.Tensor[]) => {
    const [f, fp, tau, neg] = xs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor, tf.Tensor2D | undefined]
    return config.loss(f, fp, neg, tau, impl)
  }
  const terms = call(inputs)
  const values = [terms.total, terms.align, terms.uniform].map((t) => t.dataSync()[0]!)
  tf.dispose(terms)
  const grads = tf.grads((...xs: tf.Tensor[]) => call(xs).total)(inputs)
  const out = grads.map((g) => g.dataSync() as Float32Array)
  tf.dispose(grads)
  return { values, grads: out }
}

const paths = [
  ['tiled', 'cpu'],
  ['tiled', 'wasm'],
  ['kernel', 'cpu'],
  ['kernel', 'wasm'],
] as const
for (const [path, backend] of paths) {
  describe(`fused (${path}) vs stock on ${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true)
      // registration is permanent: the tiled blocks come first in this file, and nothing registers the kernels by hand
      setPairwiseLseForceTiled(path === 'tiled')
      if (path === 'tiled') expect(hasPairwiseLseKernel(backend)).toBe(false)
      expect(pairwiseLseImplementation(backend)).toBe(path)
      expect(hasPairwiseLseKernel(backend)).toBe(path === 'kernel')
    })

    for (const n of [37, 1]) {
      for (const config of configs) {
        it(`${config.name}, N = ${n}`, () => {
          const m = n === 1 ? 3 : 23
          const fMat = randomMat(40 + n, n, D, 0.8)
          const f = tf.tensor2d(fMat)
          const fp = tf.tensor2d(randomMat(41 + n, n, D, 0.8).map((row, i) => row.map((v, k) => 0.5 * v + fMat[i]![k]!)))
          const tau = config.vectorTau ? tf.tensor1d(TAU_VECTOR) : tf.scalar(0.6)
          const inputs: tf.Tensor[] = [f, fp, tau]
          if (config.negatives === 'tensor') inputs.push(tf.tensor2d(randomMat(42 + m, m, D, 0.8)))

          const fused = evaluate(config, inputs, 'fused')
          const stock = evaluate(config, inputs, 'stock')
          expectClose(fused.values, stock.values, 1e-5, 1, 'total, align, uniform')
          expect(fused.values[0]).toBeCloseTo(fused.values[1]! + fused.values[2]!, 5)
          const names = ['d/df', 'd/dfPositive', 'd/dτ', 'd/dnegatives']
          // p < 1 with the anchor among its own candidates: the stock gradient of the self pair is p·(1e-12)^(p−1)·(±1)
          // from each side (~5e5 at p = 0.5), which cancels only up to float32 rounding; the fused path gives it exactly
          // 0 (sign 0 at a = b). There the reference is a float64 finite-difference gradient.
          const reference = config.selfPairP !== undefined && config.selfPairP < 1 ? lpFiniteDifferences(config, inputs) : stock.grads
          fused.grads.forEach((g, i) => expectClose(g, reference[i]!, 1e-4, 1e-2, names[i]!))

          const [ft, fpt, taut, negt] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor, tf.Tensor2D | undefined]
          expect(countLeakedTensors(() => config.loss(ft, fpt, negt, taut, 'fused')), 'forward').toBe(0)
          expect(
            countLeakedTensors(() => tf.grads((...xs: tf.Tensor[]) => config.loss(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[3] as tf.Tensor2D | undefined, xs[2]!, 'fused').total)(inputs)),
            'forward + gradient',
          ).toBe(0)
          tf.dispose(inputs)
        })
      }
    }

    it('learnable τ: Adam steps leak-free, the τ gradient equal to the stock one', () => {
      const f = tf.tensor2d(randomMat(50, 41, D))
      const fp = tf.tensor2d(randomMat(51, 41, D))
      const temp = createLearnableTemperature(D, TAU_VECTOR)
      const grad = (implementation: Impl) => {
        const { grads, value } = tf.variableGrads(() => lpInfoNce(f, fp, { tau: temp.tau(), p: 1.5, implementation, tileSize: TILE }).total, [temp.variable])
        const g = grads[temp.variable.name]!.dataSync()
        tf.dispose([value, grads[temp.variable.name]!])
        return g
      }
      expectClose(grad('fused'), grad('stock'), 1e-4, 1e-6, 'd/dθ')
      const opt = tf.train.adam(1e-2)
      const step = () => opt.minimize(() => cosineInfoNce(f, fp, { tau: temp.tau(), tileSize: TILE }).total, true, [temp.variable])
      tf.dispose(step() ?? [])
      expect(countLeakedTensors(() => step() ?? undefined)).toBe(0)
      opt.dispose()
      temp.dispose()
      tf.dispose([f, fp])
    })

    it('evaluateInfoNce: fused and stock agree, chunks and tiles not dividing N', async () => {
      const n = 53
      const f = tf.tensor2d(randomMat(60, n, D))
      const fp = tf.tensor2d(randomMat(61, n, D))
      const variants: EvaluateInfoNceOptions[] = [
        { loss: 'lp', p: 3, negatives: 'batch-excluding-self', tau: TAU_VECTOR },
        { loss: 'cosine', tau: 0.3 },
        { loss: 'nt-xent', tau: TAU_VECTOR },
      ]
      for (const options of variants) {
        const fused = await evaluateInfoNce(f, fp, { ...options, chunkSize: 20, tileSize: 7 })
        const stock = await evaluateInfoNce(f, fp, { ...options, chunkSize: 20, implementation: 'stock' })
        expectClose([fused.total, fused.align, fused.uniform], [stock.total, stock.align, stock.uniform], 1e-5, 1, options.loss)
        expect(fused.rows).toBe(stock.rows)
      }
      tf.dispose([f, fp])
    })
  })
}

describe('implementation options', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu')
  })
  it('typed errors naming implementation and tileSize', () => {
    const f = tf.ones([4, 2]) as tf.Tensor2D
    const calls: [string, (o: Record<string, unknown>) => unknown][] = [
      ['lp', (o) => lpInfoNce(f, f, o)],
      ['cosine', (o) => cosineInfoNce(f, f, o)],
      ['nt-xent', (o) => ntXent(f, f, o)],
    ]
    for (const [name, call] of calls) {
      for (const implementation of ['fast', 'tiled', 1]) {
        expect(() => call({ implementation }), name).toThrow(InvalidConfigError)
        expect(() => call({ implementation }), name).toThrow(/implementation/)
      }
      for (const tileSize of [0, 2.5, -3, '64']) {
        expect(() => call({ tileSize }), name).toThrow(/tileSize/)
      }
      tf.dispose(call({ implementation: 'stock', tileSize: 3 }) as InfoNceTerms)
    }
    f.dispose()
  })
})
