import { createRng, countLeakedTensors, isClError, type Rng } from '@cl/core'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { adjustR2 } from './adjusted-r2.js'
import { r2ContentStyle, r2ContentStyleLayers, r2FromPredictions, r2Score, selectRidge } from './r2.js'
import { trainTestSplit } from './split.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function normalMatrix(rng: Rng, n: number, d: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()))
}

/** Independent float64 reference: OLS with intercept via normal equations and Gaussian elimination (partial pivoting). */
function referenceR2(x: number[][], y: number[][]): number[] {
  const n = x.length
  const p = x[0]!.length + 1
  const design = x.map((row) => [1, ...row])
  const k = y[0]!.length
  const out: number[] = []
  for (let t = 0; t < k; t++) {
    // A = DᵀD, b = Dᵀy_t
    const a = Array.from({ length: p }, (_, i) => Array.from({ length: p + 1 }, (_, j) => {
      let s = 0
      for (let r = 0; r < n; r++) s += design[r]![i]! * (j < p ? design[r]![j]! : y[r]![t]!)
      return s
    }))
    for (let c = 0; c < p; c++) {
      let piv = c
      for (let r = c + 1; r < p; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r
      ;[a[c], a[piv]] = [a[piv]!, a[c]!]
      for (let r = c + 1; r < p; r++) {
        const f = a[r]![c]! / a[c]![c]!
        for (let j = c; j <= p; j++) a[r]![j] = a[r]![j]! - f * a[c]![j]!
      }
    }
    const beta = new Array<number>(p).fill(0)
    for (let r = p - 1; r >= 0; r--) {
      let s = a[r]![p]!
      for (let j = r + 1; j < p; j++) s -= a[r]![j]! * beta[j]!
      beta[r] = s / a[r]![r]!
    }
    let mean = 0
    for (let r = 0; r < n; r++) mean += y[r]![t]!
    mean /= n
    let ssRes = 0
    let ssTot = 0
    for (let r = 0; r < n; r++) {
      let pred = 0
      for (let j = 0; j < p; j++) pred += design[r]![j]! * beta[j]!
      ssRes += (y[r]![t]! - pred) ** 2
      ssTot += (y[r]![t]! - mean) ** 2
    }
    out.push(1 - ssRes / ssTot)
  }
  return out
}

describe('r2Score', () => {
  it('is invariant to the scale of each predictor, even across 12 orders of magnitude (default ridge)', () => {
    // A collapsed but informative unit (scale 1e-6) next to a huge one (1e6): OLS must still read the small one.
    const rng = createRng(21)
    const n = 2000
    const z = normalMatrix(rng, n, 2)
    const x = z.map(([a, b]) => [a! * 1e6 + 0.01 * rng.normal(), b! * 1e-6 + 1e-8 * rng.normal(), rng.normal()])
    const xUnit = x.map(([a, b, c]) => [a! / 1e6, b! / 1e-6, c!])
    const scaled = r2Score(x, z, { testFraction: 0.5 })
    const unit = r2Score(xUnit, z, { testFraction: 0.5 })
    expect(scaled.r2PerDim[1]!).toBeGreaterThan(0.99)
    scaled.r2PerDim.forEach((v, i) => expect(v).toBeCloseTo(unit.r2PerDim[i]!, 8))
  })

  it('is exactly 1 for a perfect affine relation, in-sample and held out', () => {
    const rng = createRng(1)
    const x = normalMatrix(rng, 300, 6)
    const b = normalMatrix(rng, 6, 3)
    const y = x.map((row) => [0, 1, 2].map((t) => 0.5 * t - 2 + row.reduce((s, v, j) => s + v * b[j]![t]!, 0)))
    for (const testFraction of [0, 0.3]) {
      const r = r2Score(x, y, { testFraction })
      for (const v of r.perDim) expect(v).toBeCloseTo(1, 10)
      expect(r.mean).toBeCloseTo(1, 10)
    }
  })

  it('agrees with an independent normal-equations / Gaussian-elimination OLS in float64 (ridge 0)', () => {
    const rng = createRng(2)
    const n = 250
    // correlated predictors and partly explained targets
    const base = normalMatrix(rng, n, 5)
    const x = base.map((r) => [r[0]!, r[0]! + 0.3 * r[1]!, r[2]!, r[3]! - r[2]!, 2 + r[4]!])
    const y = x.map((r) => [r[0]! - 2 * r[3]! + rng.normal(), 3 + 0.1 * r[1]! + 2 * rng.normal(), rng.uniform()])
    const ours = r2Score(x, y, { ridge: 0 })
    const ref = referenceR2(x, y)
    for (let t = 0; t < 3; t++) expect(Math.abs(ours.r2PerDim[t]! - ref[t]!)).toBeLessThan(1e-10)
    expect(ours.ridgeUsed).toBe(0)
    // the default tiny ridge changes nothing visible
    const ridged = r2Score(x, y)
    for (let t = 0; t < 3; t++) expect(Math.abs(ridged.r2PerDim[t]! - ref[t]!)).toBeLessThan(1e-7)
  })

  it('recovers the population R² = a²Var(x) / (a²Var(x) + σ²) of y = a·x + noise', () => {
    const rng = createRng(3)
    const n = 20_000
    const cases = [
      { a: 2, sigma: 1.5, draw: () => rng.normal(), varX: 1 },
      { a: 3, sigma: 0.5, draw: () => rng.uniform(), varX: 1 / 12 },
    ]
    for (const { a, sigma, draw, varX } of cases) {
      const x: number[][] = []
      const y: number[][] = []
      for (let i = 0; i < n; i++) {
        const xi = draw()
        x.push([xi])
        y.push([a * xi + sigma * rng.normal() + 7])
      }
      const expected = (a * a * varX) / (a * a * varX + sigma * sigma)
      // sampling sd of R² ≈ 2ρ(1 − ρ²)/√n < 0.005 here: 4 sd
      const r = r2Score(x, y, { testFraction: 0.5 })
      expect(Math.abs(r.mean - expected)).toBeLessThan(0.02)
      expect(Math.abs(r2Score(x, y).mean - expected)).toBeLessThan(0.02)
    }
  })

  it('independent noise: held-out R² ≈ 0, in-sample inflated ≈ p/(n − 1), adjusted in-sample ≈ 0', () => {
    const rng = createRng(4)
    const n = 3000
    const p = 150
    const x = normalMatrix(rng, n, p)
    const y = normalMatrix(rng, n, 4)
    const inSample = r2Score(x, y, { adjusted: true })
    // E[R²] under independence = p/(n − 1) = 0.05; sd of a per-dim R² ≈ √(2p)/n ≈ 0.006
    expect(inSample.r2Mean).toBeGreaterThan(0.035)
    expect(Math.abs(inSample.r2Mean - p / (n - 1))).toBeLessThan(0.015)
    expect(Math.abs(inSample.mean)).toBeLessThan(0.015)
    // held out with few predictors: ≈ 0 (expected −p/(n_train − p − 2) − 1/n_train ≈ −0.003)
    const few = r2Score(x.map((r) => r.slice(0, 5)), y, { testFraction: 0.5 })
    expect(Math.abs(few.mean)).toBeLessThan(0.02)
    // held out with many predictors: the overfit shows up as a negative R² of the closed-form size
    const many = r2Score(x, y, { testFraction: 0.5 })
    const expected = -(p / (1500 - p - 2) + 1 / 1500)
    expect(Math.abs(many.r2Mean - expected)).toBeLessThan(0.04)
    expect(many.r2Mean).toBeLessThan(0)
  })

  it('adjusted R² = 1 − (1 − R²)(n − 1)/(n − p − 1), p = predictors by default, = targets on request', () => {
    const rng = createRng(5)
    const x = normalMatrix(rng, 200, 12)
    const y = x.map((r) => [r[0]! + rng.normal(), r[1]! - r[2]! + rng.normal()])
    const raw = r2Score(x, y)
    const byPredictors = r2Score(x, y, { adjusted: true })
    const byTargets = r2Score(x, y, { adjusted: true, adjustedP: 'targets' })
    for (let t = 0; t < 2; t++) {
      expect(byPredictors.perDim[t]).toBeCloseTo(1 - ((1 - raw.perDim[t]!) * 199) / (200 - 12 - 1), 12)
      expect(byTargets.perDim[t]).toBeCloseTo(1 - ((1 - raw.perDim[t]!) * 199) / (200 - 2 - 1), 12)
    }
    expect(byPredictors.p).toBe(12)
    expect(byTargets.p).toBe(2)
    // held out: n is the number of scored (test) samples
    const held = r2Score(x, y, { adjusted: true, testFraction: 0.25 })
    expect(held.n).toBe(50)
    expect(held.nTrain).toBe(150)
    expect(held.mean).toBeCloseTo(adjustR2(held.r2Mean, 50, 12), 12)
  })

  it('adjusted R² is NaN (documented) when n − p − 1 ≤ 0', () => {
    expect(adjustR2(0.5, 10, 9)).toBeNaN()
    expect(adjustR2(0.5, 11, 9)).toBeCloseTo(1 - 0.5 * 10, 12)
    const rng = createRng(6)
    const r = r2Score(normalMatrix(rng, 40, 30), normalMatrix(rng, 40, 2), { adjusted: true, testFraction: 0.5 })
    expect(r.n).toBe(20)
    expect(r.mean).toBeNaN()
    expect(Number.isFinite(r.r2Mean)).toBe(true)
  })

  it('follows sklearn for constant targets: 1 if predicted exactly, else 0', () => {
    expect(r2FromPredictions([[1, 2], [1, 3]], [[1, 2], [1, 3]])).toEqual([1, 1])
    expect(r2FromPredictions([[1, 2], [1, 3]], [[1.5, 2], [1, 3]])).toEqual([0, 1])
    expect(r2FromPredictions([[0], [2]], [[1], [1]])).toEqual([0])
  })

  it('accepts tf.Tensor2D, Float32Array + shape and number[][] alike, without leaking tensors', () => {
    const rng = createRng(7)
    const x = normalMatrix(rng, 100, 4)
    const y = x.map((r) => [r[0]! + 0.5 * rng.normal(), r[1]! * r[2]!])
    const fromArrays = r2Score(x, y)
    const xf = Float32Array.from(x.flat())
    const yf = Float32Array.from(y.flat())
    const fromTyped = r2Score({ data: xf, shape: [100, 4] }, { data: yf, shape: [100, 2] })
    let fromTensor: number[] = []
    const leaked = countLeakedTensors(() => {
      const xt = tf.tensor2d(xf, [100, 4])
      const yt = tf.tensor2d(yf, [100, 2])
      fromTensor = r2Score(xt, yt).perDim
      return [xt, yt]
    })
    expect(leaked).toBe(0)
    expect(fromTensor).toEqual(fromTyped.perDim)
    for (let t = 0; t < 2; t++) expect(fromTyped.perDim[t]).toBeCloseTo(fromArrays.perDim[t]!, 5)
  })

  it('throws typed errors at the boundary', () => {
    const catchErr = (f: () => unknown): unknown => {
      try {
        f()
      } catch (e) {
        return e
      }
      return undefined
    }
    expect(isClError(catchErr(() => r2Score([[1], [2]], [[1], [2], [3]])), 'CL_SHAPE_MISMATCH')).toBe(true)
    expect(isClError(catchErr(() => r2Score([[1], [Number.NaN]], [[1], [2]])), 'CL_NON_FINITE')).toBe(true)
    expect(isClError(catchErr(() => r2Score([[1], [2], [3]], [[1], [2], [3]], { testFraction: 1 })), 'CL_INVALID_CONFIG')).toBe(true)
    expect(isClError(catchErr(() => r2Score([[1], [2]], [[1], [2]], { ridge: -1 })), 'CL_INVALID_CONFIG')).toBe(true)
    expect(isClError(catchErr(() => r2Score([[1, 2], [2]], [[1], [2]])), 'CL_SHAPE_MISMATCH')).toBe(true)
  })

  it('handles dead (constant) and duplicated units of a wide layer through the ridge', () => {
    const rng = createRng(8)
    const z = normalMatrix(rng, 400, 3)
    const h = z.map((r) => [r[0]!, r[0]!, 0, r[1]! + r[2]!, 5, r[1]!])
    const r = r2Score(h, z, { testFraction: 0.5 })
    for (const v of r.perDim) expect(v).toBeCloseTo(1, 6)
  })
})

describe('trainTestSplit', () => {
  it('is a deterministic partition', () => {
    const a = trainTestSplit(101, 0.3, 9)
    const b = trainTestSplit(101, 0.3, 9)
    expect(a).toEqual(b)
    expect(a.test.length).toBe(30)
    const all = [...a.train, ...a.test].sort((p, q) => p - q)
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i))
    expect(trainTestSplit(101, 0.3, 10).test).not.toEqual(a.test)
  })
})

describe('r2ContentStyle', () => {
  it('separates content (encoded) from style (collapsed) dims, as in Fig. 1 middle', () => {
    const rng = createRng(10)
    const n = 4000
    const dc = 3
    const ds = 4
    const z = Array.from({ length: n }, () => Array.from({ length: dc + ds }, () => rng.uniform()))
    // a 20-wide "layer" that mixes only the content dims (style collapsed) plus small noise
    const mix = normalMatrix(rng, dc, 20)
    const h = z.map((r) => Array.from({ length: 20 }, (_, j) => {
      let s = 0.01 * rng.normal()
      for (let c = 0; c < dc; c++) s += r[c]! * mix[c]![j]!
      return s
    }))
    const contentIndices = [0, 1, 2]
    const styleIndices = [3, 4, 5, 6]
    const r = r2ContentStyle(h, z, { contentIndices, styleIndices, adjusted: true, testFraction: 0.5 })
    expect(r.content).toBeGreaterThan(0.99)
    expect(Math.abs(r.style)).toBeLessThan(0.03)
    expect(r.perDim).toHaveLength(7)
    const layers = r2ContentStyleLayers([h, z], z, { contentIndices, styleIndices, adjusted: true, testFraction: 0.5 })
    expect(layers[0]!.content).toBe(r.content)
    expect(layers[1]!.style).toBeCloseTo(1, 10)
    // d_c = 0 sweeps: an empty set gives NaN, not an error
    expect(r2ContentStyle(h, z, { contentIndices: [], styleIndices: [0, 1, 2, 3, 4, 5, 6] }).content).toBeNaN()
    expect(() => r2ContentStyle(h, z, { contentIndices: [7], styleIndices: [] })).toThrow(/contentIndices/)
  })
})

describe('ridgeGrid: the ridge chosen by 4-fold cross-validation (RidgeCV)', () => {
  // 2 informative predictors among 100 noise ones, 240 samples (120 fit): OLS held-out MSE ≈ σ²·(1 + p/(n − p − 1))
  // ≈ 6.3 against Var y = 3, i.e. R² ≈ −1; a strong ridge shrinks the noise coefficients.
  const rng = createRng(21)
  const n = 240
  const x = normalMatrix(rng, n, 102)
  const y = x.map((row) => [row[0]! + row[1]! + rng.normal()])
  const options = { testFraction: 0.5, seed: 3 }

  it('picks a large ridge on an overfitting problem and scores better held out than the fixed tiny ridge', () => {
    const tiny = r2Score(x, y, { ...options, ridge: 1e-8 })
    const chosen = r2Score(x, y, { ...options, ridgeGrid: [1e-8, 1e-4, 1e-2, 0.1, 0.3, 1, 10, 100] })
    // held out (this split): ridge 0.1 → 0.34, 0.3 → 0.48, 1 → 0.41, 10 → 0.11; the population R² is 2/3
    expect(chosen.ridgeUsed).toBeGreaterThanOrEqual(0.1)
    expect(chosen.ridgeUsed).toBeLessThanOrEqual(1)
    expect(tiny.r2Mean).toBeLessThan(0)
    expect(chosen.r2Mean).toBeGreaterThan(0.3)
  })

  it('a one-value grid is that fixed ridge, and a well-posed problem keeps a small ridge', () => {
    expect(r2Score(x, y, { ...options, ridgeGrid: [1] })).toEqual(r2Score(x, y, { ...options, ridge: 1 }))
    const xs = normalMatrix(rng, 400, 3)
    const ys = xs.map((row) => [row[0]! - 2 * row[2]! + 0.01 * rng.normal()])
    expect(selectRidge({ data: Float64Array.from(xs.flat()), shape: [400, 3] }, { data: Float64Array.from(ys.flat()), shape: [400, 1] }, [1e-8, 1, 100])).toBe(1e-8)
  })

  it('rejects an empty or invalid grid with a typed error naming ridgeGrid', () => {
    for (const grid of [[], [-1], [Number.NaN], 'x']) {
      let err: unknown
      try {
        r2Score(x, y, { ...options, ridgeGrid: grid as never })
      } catch (e) {
        err = e
      }
      expect(isClError(err)).toBe(true)
      expect(String(err)).toMatch(/ridgeGrid/)
    }
  })
})
