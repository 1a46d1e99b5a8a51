import { describe, expect, it } from 'vitest'
import { FLOAT32_MIN_NORMAL, checkTemperature } from './temperature-check.js'

describe('checkTemperature', () => {
  it('accepts normal float32 temperatures', () => {
    for (const tau of [1, 0.01, 1e-6, FLOAT32_MIN_NORMAL, 1e30]) expect(() => checkTemperature('config.tau', tau)).not.toThrow()
  })
  it.each([0, 1e-45, 1e-40, 2e-39, 1e39, Number.POSITIVE_INFINITY, Number.NaN, -1])('rejects τ = %s (0, subnormal or infinite in float32) naming the field', (tau) => {
    expect(() => checkTemperature('config.variants.2.tauContent', tau)).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', field: 'config.variants.2.tauContent' }))
    expect(() => checkTemperature('config.variants.2.tauContent', tau)).toThrow(/^invalid config\.variants\.2\.tauContent: expected a temperature representable in float32/)
  })
  it('float32 facts the check relies on', () => {
    expect(Math.fround(1e-40)).toBeGreaterThan(0)
    expect(Math.fround(1e-40)).toBeLessThan(FLOAT32_MIN_NORMAL)
    expect(Math.fround(1e-46)).toBe(0)
    expect(Math.fround(1e39)).toBe(Number.POSITIVE_INFINITY)
  })
})
