import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { centeredGram, fitLinearRegression, predictLinear } from './linear-regression.js'
import { columnMeans, type DenseMatrix } from './matrix-input.js'

function random(seed: number, n: number, p: number): DenseMatrix {
  const rng = createRng(seed)
  return { data: Float64Array.from({ length: n * p }, () => rng.normal() + 3), shape: [n, p] }
}

describe('centeredGram', () => {
  it('equals the naive (X − mean)ᵀ(X − mean) for sizes that exercise padding and row chunks', () => {
    for (const [n, p] of [[1, 1], [7, 3], [300, 7], [600, 13]] as const) {
      const x = random(n + p, n, p)
      const mean = columnMeans(x)
      const g = centeredGram(x, mean)
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) {
          let s = 0
          for (let i = 0; i < n; i++) s += (x.data[i * p + a]! - mean[a]!) * (x.data[i * p + b]! - mean[b]!)
          expect(Math.abs(g[a * p + b]! - s)).toBeLessThan(1e-9 * Math.max(1, Math.abs(s)))
        }
      }
    }
  })
})

describe('fitLinearRegression', () => {
  it('recovers coefficients and intercepts of an exact affine map (OLS, ridge 0) to 1e-10', () => {
    const x = random(1, 80, 4)
    const coef = [1, -2, 0.5, 3, 0, 1, -1, 2] // [4 × 2]
    const intercept = [0.25, -7]
    const y: DenseMatrix = {
      data: Float64Array.from({ length: 80 * 2 }, (_, idx) => {
        const i = Math.floor(idx / 2)
        const t = idx % 2
        let s = intercept[t]!
        for (let a = 0; a < 4; a++) s += x.data[i * 4 + a]! * coef[a * 2 + t]!
        return s
      }),
      shape: [80, 2],
    }
    const fit = fitLinearRegression(x, y, { ridge: 0 })
    fit.coef.forEach((c, i) => expect(Math.abs(c - coef[i]!)).toBeLessThan(1e-10))
    fit.intercept.forEach((c, i) => expect(Math.abs(c - intercept[i]!)).toBeLessThan(1e-10))
    const pred = predictLinear(fit, x)
    pred.data.forEach((v, i) => expect(Math.abs(v - y.data[i]!)).toBeLessThan(1e-9))
  })

  it('ridge shrinks towards 0 by the closed form coef = Sxy / (Sxx + λ) in one dimension', () => {
    const x = random(2, 50, 1)
    const y: DenseMatrix = { data: x.data.map((v, i) => 2 * v + (i % 3)), shape: [50, 1] }
    const mx = columnMeans(x)[0]!
    const my = columnMeans(y)[0]!
    let sxx = 0
    let sxy = 0
    for (let i = 0; i < 50; i++) {
      sxx += (x.data[i]! - mx) ** 2
      sxy += (x.data[i]! - mx) * (y.data[i]! - my)
    }
    const fit = fitLinearRegression(x, y, { ridge: 0.5 })
    // relative ridge: λ = 0.5 · mean(diag) = 0.5 · Sxx
    expect(fit.coef[0]).toBeCloseTo(sxy / (sxx * 1.5), 12)
    expect(fit.intercept[0]).toBeCloseTo(my - mx * (sxy / (sxx * 1.5)), 12)
  })

  it('escalates the ridge for exactly collinear predictors when asked for plain OLS', () => {
    const base = random(3, 60, 2)
    const x: DenseMatrix = {
      data: Float64Array.from({ length: 60 * 3 }, (_, idx) => {
        const i = Math.floor(idx / 3)
        const j = idx % 3
        return j < 2 ? base.data[i * 2 + j]! : base.data[i * 2]! + base.data[i * 2 + 1]!
      }),
      shape: [60, 3],
    }
    const y: DenseMatrix = { data: Float64Array.from({ length: 60 }, (_, i) => x.data[i * 3 + 2]!), shape: [60, 1] }
    const fit = fitLinearRegression(x, y, { ridge: 0 })
    expect(fit.ridgeUsed).toBeGreaterThan(0)
    const pred = predictLinear(fit, x)
    pred.data.forEach((v, i) => expect(v).toBeCloseTo(y.data[i]!, 6))
  })
})
