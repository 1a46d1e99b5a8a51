import { createRng, type Rng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { covarianceMatrix, covarianceSpectrum } from './covariance-spectrum.js'

function reflector(rng: Rng, n: number): number[][] {
  const v = Array.from({ length: n }, () => rng.normal())
  const vv = v.reduce((s, x) => s + x * x, 0)
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv))
}

describe('covarianceSpectrum', () => {
  it('matches a known covariance Q·diag(λ)·Qᵀ within sampling error', () => {
    const rng = createRng(50)
    const lambda = [4, 2, 1, 0.5, 0.1]
    const d = lambda.length
    const q = reflector(rng, d)
    const n = 40_000
    const x = Array.from({ length: n }, () => {
      const e = lambda.map((l) => Math.sqrt(l) * rng.normal())
      return q.map((row) => row.reduce((s, v, k) => s + v * e[k]!, 3)) // mean 3 in every dim
    })
    const { eigenvalues, logEigenvalues } = covarianceSpectrum(x, { l2Normalize: false })
    // sd of a sample eigenvalue (distinct, Gaussian) ≈ λ·√(2/n) = 0.007·λ: allow 5 sd
    eigenvalues.forEach((v, i) => expect(Math.abs(v - lambda[i]!)).toBeLessThan(5 * lambda[i]! * Math.sqrt(2 / n)))
    logEigenvalues.forEach((v, i) => expect(v).toBeCloseTo(Math.log(eigenvalues[i]!), 14))
  })

  it('computes np.cov (N − 1) exactly on a small example, eigenvalues sum to the trace', () => {
    const x = [[1, 2], [3, 3], [5, 7], [-1, 0]]
    const c = covarianceMatrix(x, { l2Normalize: false })
    // by hand: means 2, 3; centred rows (−1,−1), (1,0), (3,4), (−3,−3)
    expect(Array.from(c.data)).toEqual([20 / 3, 22 / 3, 22 / 3, 26 / 3])
    const { eigenvalues } = covarianceSpectrum(x, { l2Normalize: false })
    expect(eigenvalues[0]! + eigenvalues[1]!).toBeCloseTo(46 / 3, 12)
    expect(eigenvalues[0]! * eigenvalues[1]!).toBeCloseTo((20 / 3) * (26 / 3) - (22 / 3) ** 2, 10)
  })

  it('ℓ2-normalises each sample first by default (DirectCLR), and can standardise dims', () => {
    const rng = createRng(51)
    const x = Array.from({ length: 500 }, () => [rng.normal() * 5, rng.normal(), rng.normal() + 2])
    const normalised = x.map((r) => {
      const norm = Math.hypot(...r)
      return r.map((v) => v / norm)
    })
    const a = covarianceSpectrum(x).eigenvalues
    const b = covarianceSpectrum(normalised, { l2Normalize: false }).eigenvalues
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 12))
    // standardised: spectrum of the correlation matrix, eigenvalues sum to d
    const s = covarianceSpectrum(x, { l2Normalize: false, standardize: true }).eigenvalues
    expect(s.reduce((p, v) => p + v, 0)).toBeCloseTo(3, 10)
  })

  it('shows a collapsed direction as a zero eigenvalue (log −∞ or very negative)', () => {
    const rng = createRng(52)
    const x = Array.from({ length: 300 }, () => {
      const a = rng.normal()
      const b = rng.normal()
      return [a, b, a + b] // rank 2
    })
    const { eigenvalues, logEigenvalues } = covarianceSpectrum(x, { l2Normalize: false })
    expect(eigenvalues[2]!).toBeLessThan(1e-12)
    expect(logEigenvalues[2]!).toBeLessThan(-25)
  })
})
