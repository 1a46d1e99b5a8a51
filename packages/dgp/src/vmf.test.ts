import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { besselRatio } from './test-oracles.js'
import { sampleVmf, sampleVmfCosine } from './vmf.js'

describe('Bessel ratio helper (sanity of the test oracle)', () => {
  it('is tanh κ for p = 1 and coth κ − 1/κ for p = 3', () => {
    for (const k of [0.3, 2, 9]) {
      expect(besselRatio(1, k)).toBeCloseTo(Math.tanh(k), 12)
      expect(besselRatio(3, k)).toBeCloseTo(1 / Math.tanh(k) - 1 / k, 12)
    }
  })
})

describe('von Mises–Fisher (Wood 1994)', () => {
  const n = 20_000
  const cases = [1, 2, 3, 5, 10].flatMap((p) => [0.5, 2, 10, 50].map((kappa) => ({ p, kappa })))
  it.each(cases)('E[μᵀz̃] = I_{p/2}(κ)/I_{p/2−1}(κ) on S^{p−1}: p = $p, κ = $kappa', ({ p, kappa }) => {
    const rng = createRng(1000 * p + Math.round(10 * kappa))
    let s = 0
    let s2 = 0
    let outside = 0
    for (let i = 0; i < n; i++) {
      const w = sampleVmfCosine(rng, p, kappa)
      if (!(w >= -1 && w <= 1)) outside++
      s += w
      s2 += w * w
    }
    expect(outside).toBe(0)
    const mean = s / n
    const se = Math.sqrt((s2 / n - mean * mean) / n)
    expect(Math.abs(mean - besselRatio(p, kappa))).toBeLessThan(4 * se + 1e-6)
  })

  it('sampleVmf gives unit vectors whose mean is A_p(κ)·μ', () => {
    const p = 4
    const kappa = 3
    const mu = [0.5, -0.5, 0.5, 0.5]
    const rng = createRng(7)
    const mean = new Float64Array(p)
    const m = 20_000
    let worst = 0
    for (let i = 0; i < m; i++) {
      const x = sampleVmf(rng, mu, kappa)
      let s = 0
      for (let k = 0; k < p; k++) {
        s += (x[k] as number) ** 2
        mean[k] = (mean[k] as number) + (x[k] as number) / m
      }
      worst = Math.max(worst, Math.abs(s - 1))
    }
    expect(worst).toBeLessThan(1e-12)
    const a = besselRatio(p, kappa)
    for (let k = 0; k < p; k++) expect(Math.abs((mean[k] as number) - a * (mu[k] as number))).toBeLessThan(0.02)
  })

  it('p = 1 (S^0) flips the sign with probability 1/(1 + e^{2κ})', () => {
    const rng = createRng(8)
    let minus = 0
    for (let i = 0; i < n; i++) if ((sampleVmf(rng, [-1], 0.5)[0] as number) > 0) minus++
    const p = 1 / (1 + Math.exp(1))
    expect(Math.abs(minus / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n))
  })
})
