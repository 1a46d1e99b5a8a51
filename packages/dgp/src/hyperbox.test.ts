import { createRng, InvalidConfigError } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { createHyperbox } from './hyperbox.js'

describe('createHyperbox', () => {
  it('samples lie in [low, high]^d with the uniform mean and variance', () => {
    const box = createHyperbox(4, -2, 3)
    const n = 20_000
    const z = box.sampleMarginal(createRng(3), n)
    expect(z.length).toBe(n * 4)
    let sum = 0
    let sq = 0
    expect(z.every((v) => v >= -2 && v <= 3)).toBe(true)
    for (const v of z) {
      sum += v
      sq += v * v
    }
    const mean = sum / z.length
    const variance = sq / z.length - mean * mean
    expect(mean).toBeCloseTo(0.5, 1) // (low + high)/2, SE ≈ 0.005
    expect(variance).toBeCloseTo(25 / 12, 1) // (high − low)²/12
  })

  it('contains() checks every coordinate and the dimension', () => {
    const box = createHyperbox(2)
    expect(box.contains([0, 1])).toBe(true)
    expect(box.contains([0, 1.01])).toBe(false)
    expect(box.contains([0, 1.01], 0.02)).toBe(true)
    expect(box.contains([0.5])).toBe(false)
  })

  it('rejects low >= high and bad dims', () => {
    expect(() => createHyperbox(2, 1, 1)).toThrow(InvalidConfigError)
    expect(() => createHyperbox(0)).toThrow(InvalidConfigError)
  })
})
