import { createRng, InvalidConfigError } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { createHypersphere } from './hypersphere.js'

describe('createHypersphere', () => {
  it('samples have unit norm and the uniform moments E[z] = 0, E[z_k²] = 1/d', () => {
    const d = 5
    const n = 20_000
    const z = createHypersphere(d).sampleMarginal(createRng(4), n)
    const mean = new Float64Array(d)
    const second = new Float64Array(d)
    let worst = 0
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let k = 0; k < d; k++) {
        const v = z[i * d + k] as number
        s += v * v
        mean[k] = (mean[k] as number) + v / n
        second[k] = (second[k] as number) + (v * v) / n
      }
      worst = Math.max(worst, Math.abs(Math.sqrt(s) - 1))
    }
    expect(worst).toBeLessThan(1e-12)
    for (let k = 0; k < d; k++) {
      expect(Math.abs(mean[k] as number)).toBeLessThan(0.015) // SE ≈ √(1/5/20000) ≈ 0.003
      expect(second[k]).toBeCloseTo(1 / d, 2)
    }
  })

  it('needs at least 2 dims', () => {
    expect(() => createHypersphere(1)).toThrow(InvalidConfigError)
  })
})
