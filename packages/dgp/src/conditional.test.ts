import { createRng, InvalidConfigError } from '@cl/core'
import { describe, expect, it } from 'vitest'
import {
  conditionalScales,
  createBoxConditional,
  createSphereNoiseConditional,
  createSphereVmfConditional,
} from './conditional.js'
import { resolveContentStyleSplit } from './content-style.js'
import { createHyperbox } from './hyperbox.js'
import { createHypersphere } from './hypersphere.js'
import { besselRatio, moments, truncatedNormalMoments } from './test-oracles.js'

/** n copies of one latent row. */
const repeat = (row: number[], n: number) => {
  const out = new Float64Array(n * row.length)
  for (let i = 0; i < n; i++) out.set(row, i * row.length)
  return out
}
const column = (a: Float64Array, d: number, k: number) => a.filter((_, i) => i % d === k)

describe('conditionalScales', () => {
  it('puts σ_s on style dims and σ_c on content dims (vectors in index order)', () => {
    const split = resolveContentStyleSplit(5, [1, 3])
    expect(Array.from(conditionalScales(split, [0.1, 0.2, 0.3], 0))).toEqual([0.1, 0, 0.2, 0, 0.3])
    expect(Array.from(conditionalScales(split, 0.05, [0.01, 0.02]))).toEqual([0.05, 0.01, 0.05, 0.02, 0.05])
  })
  it('rejects wrong lengths and non-positive style scales', () => {
    const split = resolveContentStyleSplit(4, 1)
    expect(() => conditionalScales(split, [0.1, 0.2])).toThrow(InvalidConfigError)
    expect(() => conditionalScales(split, 0)).toThrow(/conditional\.sigma/)
    expect(() => conditionalScales(split, 0.1, -1)).toThrow(/conditional\.contentSigma/)
  })
})

describe('box conditional (truncated normal / Laplace, content δ)', () => {
  const n = 50_000
  const box = createHyperbox(4)
  const split = resolveContentStyleSplit(4, 1) // content: dim 0

  it('copies content exactly and matches the truncated-normal std at the edge and in the middle', () => {
    const cond = createBoxConditional({ box, noise: 'normal', scale: conditionalScales(split, [0.05, 0.05, 0.2]) })
    const row = [0.123, 0.01, 0.5, 0.97]
    const zt = cond.sample(createRng(1), repeat(row, n), n)
    expect(column(zt, 4, 0).every((v) => v === 0.123)).toBe(true)
    expect(zt.every((v) => v >= 0 && v <= 1)).toBe(true)
    for (const [k, sigma] of [[1, 0.05], [2, 0.05], [3, 0.2]] as const) {
      const got = moments(column(zt, 4, k))
      const want = truncatedNormalMoments(row[k] as number, sigma, 0, 1)
      expect(Math.abs(got.std - want.std) / want.std).toBeLessThan(0.02)
      expect(Math.abs(got.mean - want.mean)).toBeLessThan((5 * want.std) / Math.sqrt(n))
    }
  })

  it('perturbs content with σ_c > 0 (Appx. C) and supports Laplace', () => {
    const cond = createBoxConditional({ box, noise: 'laplace', scale: conditionalScales(split, 0.02, 0.005) })
    const zt = cond.sample(createRng(2), repeat([0.5, 0.5, 0.5, 0.5], n), n)
    const content = moments(column(zt, 4, 0))
    const style = moments(column(zt, 4, 2))
    expect(Math.abs(content.std - Math.SQRT2 * 0.005) / (Math.SQRT2 * 0.005)).toBeLessThan(0.03)
    expect(Math.abs(style.std - Math.SQRT2 * 0.02) / (Math.SQRT2 * 0.02)).toBeLessThan(0.03)
  })

  it('rejects latents outside the box', () => {
    const cond = createBoxConditional({ box, noise: 'normal', scale: [0.1, 0.1, 0.1, 0.1] })
    expect(() => cond.sample(createRng(3), Float64Array.from([0.5, 0.5, 2, 0.5]), 1)).toThrow(InvalidConfigError)
  })
})

describe('sphere conditionals', () => {
  const n = 20_000
  const d = 6
  const split = resolveContentStyleSplit(d, 2)
  const z = createHypersphere(d).sampleMarginal(createRng(10), n)

  const check = (zt: Float64Array) => {
    let worstNorm = 0
    let worstRho = 0
    let contentChanged = 0
    for (let i = 0; i < n; i++) {
      let norm = 0
      let rho = 0
      let rhoT = 0
      for (let k = 0; k < d; k++) norm += (zt[i * d + k] as number) ** 2
      for (const k of split.styleIndices) {
        rho += (z[i * d + k] as number) ** 2
        rhoT += (zt[i * d + k] as number) ** 2
      }
      for (const k of split.contentIndices) if (zt[i * d + k] !== z[i * d + k]) contentChanged++
      worstNorm = Math.max(worstNorm, Math.abs(Math.sqrt(norm) - 1))
      worstRho = Math.max(worstRho, Math.abs(Math.sqrt(rhoT) - Math.sqrt(rho)))
    }
    expect(contentChanged).toBe(0)
    expect(worstNorm).toBeLessThan(1e-12)
    expect(worstRho).toBeLessThan(1e-12)
  }

  it('normal noise re-projected: z^c fixed, ‖z̃^s‖ = ‖z^s‖, unit norm', () => {
    check(createSphereNoiseConditional({ dims: d, noise: 'normal', scale: conditionalScales(split, 0.1) }).sample(createRng(11), z, n))
    check(createSphereNoiseConditional({ dims: d, noise: 'laplace', scale: conditionalScales(split, 0.1) }).sample(createRng(12), z, n))
  })

  it('without content it is cl-ica’s full re-projection: E‖z̃ − z‖² ≈ (d − 1)σ² for small σ', () => {
    const sigma = 0.01
    const all = resolveContentStyleSplit(d, 0)
    const zt = createSphereNoiseConditional({ dims: d, noise: 'normal', scale: conditionalScales(all, sigma) }).sample(createRng(13), z, n)
    let sq = 0
    for (let i = 0; i < zt.length; i++) sq += ((zt[i] as number) - (z[i] as number)) ** 2
    // only the d − 1 tangent directions survive the projection (d·σ² would mean no projection)
    expect(sq / n / ((d - 1) * sigma * sigma)).toBeCloseTo(1, 1)
  })

  it.each([0.5, 4, 20])('partial vMF (z^c δ, z^s vMF on S^{d_s−1}): z^c fixed, ‖z̃^s‖ = ρ, E[μᵀu] = A_{d_s}(κ), κ = %s', (kappa) => {
    const zt = createSphereVmfConditional({ dims: d, kappa, split }).sample(createRng(14), z, n)
    check(zt)
    const cos = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let dot = 0
      let rho2 = 0
      for (const k of split.styleIndices) {
        dot += (z[i * d + k] as number) * (zt[i * d + k] as number)
        rho2 += (z[i * d + k] as number) ** 2
      }
      cos[i] = dot / rho2
    }
    const m = moments(cos)
    const ds = split.styleIndices.length
    expect(Math.abs(m.mean - besselRatio(ds, kappa))).toBeLessThan((4 * m.std) / Math.sqrt(n))
    // the vMF lives on S^{d_s − 1}, not on S^{d − 1}: the two ratios differ by far more than the tolerance
    expect(Math.abs(besselRatio(d, kappa) - besselRatio(ds, kappa))).toBeGreaterThan((8 * m.std) / Math.sqrt(n))
  })

  it('rejects points off the sphere', () => {
    const cond = createSphereVmfConditional({ dims: 3, kappa: 1, split: resolveContentStyleSplit(3, 1) })
    expect(() => cond.sample(createRng(1), Float64Array.from([1, 1, 1]), 1)).toThrow(InvalidConfigError)
  })
})
