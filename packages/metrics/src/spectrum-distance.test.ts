import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { spectrumDistance } from './spectrum-distance.js'

describe('spectrumDistance', () => {
  it('is the mean |Δσ| (closed form), symmetric and 0 on equal spectra', () => {
    expect(spectrumDistance([1, 0.5], [1, 0.1])).toBeCloseTo(0.2, 15)
    expect(spectrumDistance([1, 0.9, 0.2, 0.1], [1, 0.98, 0.97, 0.95])).toBeCloseTo((0 + 0.08 + 0.77 + 0.85) / 4, 15)
    expect(spectrumDistance([1, 0.3], [1, 0.3])).toBe(0)
    const rng = createRng(5)
    const a = Array.from({ length: 8 }, () => rng.uniform())
    const b = Array.from({ length: 8 }, () => rng.uniform())
    expect(spectrumDistance(a, b)).toBe(spectrumDistance(b, a))
    // independent: the ℓ1 norm of the difference over d
    const l1 = a.map((x, k) => x - b[k]!).reduce((s, x) => s + (x < 0 ? -x : x), 0)
    expect(Math.abs(spectrumDistance(a, b) - l1 / 8)).toBeLessThan(1e-15)
  })

  it('rejects spectra of different or zero lengths and NaN entries', () => {
    expect(() => spectrumDistance([1, 0.5], [1])).toThrow(expect.objectContaining({ code: 'CL_SHAPE_MISMATCH' }))
    expect(() => spectrumDistance([], [])).toThrow(expect.objectContaining({ code: 'CL_SHAPE_MISMATCH' }))
    expect(() => spectrumDistance([1, Number.NaN], [1, 0.5])).toThrow(expect.objectContaining({ code: 'CL_NON_FINITE' }))
  })
})
