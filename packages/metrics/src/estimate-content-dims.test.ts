import { describe, expect, it } from 'vitest'
import { estimateContentDims } from './estimate-content-dims.js'

/** A·diag(v)·Aᵀ in float64. */
function congruence(a: number[][], v: number[]): number[][] {
  const d = v.length
  return [...Array(d)].map((_, i) => [...Array(d)].map((__, j) => a[i]!.reduce((s, aik, k) => s + aik * v[k]! * a[j]![k]!, 0)))
}

function mixing(d: number, seed: number): number[][] {
  return [...Array(d)].map((_, i) => [...Array(d)].map((__, j) => (i === j ? 2 : 0) + Math.sin(seed + 3.7 * i + 1.9 * j)))
}

describe('estimateContentDims', () => {
  it('conditional/marginal covariances of the paper DGP (closed form, any mixing A): ρ_k = σ_k²/σ_z², d_c exact', () => {
    const d = 8
    const sz2 = 1 / 12
    for (const dc of [1, 2, 3, 4, 6]) {
      const a = mixing(d, dc)
      const sigma2 = [...Array(d)].map((_, k) => (k < dc ? 0 : 0.05 ** 2))
      const e = estimateContentDims({ conditional: congruence(a, sigma2), marginal: congruence(a, Array(d).fill(sz2)) })
      expect(e.contentDims).toBe(dc)
      expect(e.method).toBe('conditional-ratio')
      const want = [...sigma2].sort((x, y) => x - y).map((s) => s / sz2)
      e.values.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 9))
      e.gradientSpectrum.forEach((v, k) => expect(v).toBeCloseTo(1 - want[k]!, 9))
      expect(e.margin).toBeGreaterThan(10)
    }
  })

  it('σ_c > 0: exact while the gap ln(σ_s²/σ_c²) ≥ minGap; d_c = 0 when σ_c = σ_s (no split)', () => {
    const d = 8
    const a = mixing(d, 5)
    const est = (ratio: number) => {
      const sigma2 = [...Array(d)].map((_, k) => (k < 3 ? (0.05 * ratio) ** 2 : 0.05 ** 2))
      return estimateContentDims({ conditional: congruence(a, sigma2), marginal: congruence(a, Array(d).fill(1 / 12)) })
    }
    expect(est(0.1).contentDims).toBe(3)
    expect(est(0.1).gaps[2]).toBeCloseTo(2 * Math.log(10), 6)
    expect(est(0.45).contentDims).toBe(3)
    expect(est(0.55).contentDims).toBe(0)
    expect(est(0.55).margin).toBeLessThan(0)
    expect(est(1).contentDims).toBe(0)
  })

  it('{ align, uniform } reads −uniform as the marginal (uniformity gradient negative definite)', () => {
    const d = 6
    const a = mixing(d, 2)
    const align = congruence(a, [0, 0, 1, 1, 1, 1].map((v) => v * 0.01))
    const uniform = congruence(a, Array(d).fill(-0.2))
    expect(estimateContentDims({ align, uniform }).contentDims).toBe(2)
    expect(() => estimateContentDims({ align, uniform: congruence(a, Array(d).fill(0.2)) })).toThrow(/uniform/)
  })

  it('single gradient: Prop. 2 read literally on singular values (content larger)', () => {
    expect(estimateContentDims({ singularValues: [1, 0.98, 0.1, 0.09, 0.1] }).contentDims).toBe(2)
    expect(estimateContentDims({ singularValues: [1, 0.9, 0.8, 0.85] }).contentDims).toBe(0)
    const g = [[3, 0, 0], [0, 0.01, 0], [0, 0, 0.012]]
    const e = estimateContentDims({ gradient: g })
    expect(e.contentDims).toBe(1)
    expect(e.values[0]).toBe(1)
    expect(e.method).toBe('singular-values')
  })

  it('names the field and the allowed range on bad input', () => {
    expect(() => estimateContentDims({ singularValues: [1] })).toThrow(/singularValues/)
    expect(() => estimateContentDims({ gradient: [[1, 2, 3]] })).toThrow(/gradient/)
    expect(() => estimateContentDims({ conditional: [[1, 0], [0, 1]], marginal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] })).toThrow(/marginal/)
    expect(() => estimateContentDims({ singularValues: [1, 0.5] }, { minGap: 0 })).toThrow(/minGap/)
    expect(() => estimateContentDims({} as never)).toThrow(/input/)
    expect(() => estimateContentDims({ conditional: [[Number.NaN, 0], [0, 1]], marginal: [[1, 0], [0, 1]] })).toThrow(/conditional/)
  })
})
