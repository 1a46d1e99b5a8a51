import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { styleBlockMean } from './style-block.js'

describe('styleBlockMean', () => {
  it('is the mean of the d − d_c smallest values (closed form)', () => {
    expect(styleBlockMean([1, 0.5, 0.2, 0.1], 2)).toBeCloseTo(0.15, 15)
    expect(styleBlockMean([1, 0.5, 0.2, 0.1], 4)).toBeCloseTo(1.8 / 4, 15)
    // order-free: the smallest values, wherever they are
    expect(styleBlockMean([0.1, 1, 0.2, 0.5], 2)).toBeCloseTo(0.15, 15)
  })

  it('matches an independent selection of the k smallest on random spectra', () => {
    const rng = createRng(3)
    for (let trial = 0; trial < 20; trial++) {
      const d = 2 + (trial % 9)
      const s = Array.from({ length: d }, () => rng.uniform())
      const k = 1 + (trial % d)
      // independent: remove the current minimum k times, summing in float64
      const rest = [...s]
      let sum = 0
      for (let i = 0; i < k; i++) {
        let arg = 0
        for (let j = 1; j < rest.length; j++) if (rest[j]! < rest[arg]!) arg = j
        sum += rest.splice(arg, 1)[0]!
      }
      expect(Math.abs(styleBlockMean(s, k) - sum / k)).toBeLessThan(1e-15)
    }
  })

  it('rejects a style count outside [1, d] and non-finite spectra', () => {
    expect(() => styleBlockMean([1, 0.5], 0)).toThrow(/invalid styleDims: expected an integer in \[1, 2\]/)
    expect(() => styleBlockMean([1, 0.5], 3)).toThrow(/styleDims/)
    expect(() => styleBlockMean([1, 0.5], 1.5)).toThrow(/styleDims/)
    expect(() => styleBlockMean([1, Number.NaN], 1)).toThrow(expect.objectContaining({ code: 'CL_NON_FINITE' }))
  })
})
