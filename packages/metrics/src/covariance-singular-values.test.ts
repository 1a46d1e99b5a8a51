import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { normalizedCovarianceSingularValues } from './covariance-singular-values.js'
import { covarianceSpectrum } from './covariance-spectrum.js'
import { normalizedSingularValues } from './singular-values.js'

describe('normalizedCovarianceSingularValues', () => {
  it('equals the max-normalised singular values of the centred data (independent SVD) to 1e-9', () => {
    const rng = createRng(11)
    const n = 300
    const d = 6
    const scales = [3, 1, 0.5, 0.2, 0.05, 0.01]
    const z = Array.from({ length: n }, () => scales.map((s) => s * rng.normal()))
    // mix the columns so the covariance is not diagonal
    const mix = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0.1 * (i - j))))
    const x = z.map((row) => mix.map((m) => m.reduce((s, w, k) => s + w * row[k]!, 0)))
    const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / n)
    const centred = x.map((r) => r.map((v, j) => v - mean[j]!))
    const viaSvd = normalizedSingularValues(centred)
    const got = normalizedCovarianceSingularValues(covarianceSpectrum(x, { l2Normalize: false }).eigenvalues)
    expect(got).toHaveLength(d)
    got.forEach((v, k) => expect(Math.abs(v - viaSvd[k]!)).toBeLessThan(1e-9))
    expect(got[0]).toBe(1)
  })

  it('guards a zero top eigenvalue: a constant representation is all zeros, not NaN', () => {
    const constant = Array.from({ length: 10 }, () => [2, -1, 0.5])
    expect(normalizedCovarianceSingularValues(covarianceSpectrum(constant, { l2Normalize: false }).eigenvalues)).toEqual([0, 0, 0])
    expect(normalizedCovarianceSingularValues([0, 0])).toEqual([0, 0])
    // rounding negatives are clamped
    expect(normalizedCovarianceSingularValues([4, 1, -1e-18])).toEqual([1, 0.5, 0])
    expect(() => normalizedCovarianceSingularValues([1, Number.NaN])).toThrow(expect.objectContaining({ code: 'CL_NON_FINITE' }))
  })
})
