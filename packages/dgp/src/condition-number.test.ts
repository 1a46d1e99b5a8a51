import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import {
  conditionNumber,
  drawColumnNormalizedUniform,
  drawConditionedMatrix,
  estimateConditionThreshold,
} from './condition-number.js'

describe('conditionNumber', () => {
  it('is σ_max/σ_min: diagonal, orthogonal, singular', () => {
    expect(conditionNumber([[1, 0, 0], [0, -4, 0], [0, 0, 2]])).toBeCloseTo(4, 12)
    const c = Math.cos(0.7)
    const s = Math.sin(0.7)
    expect(conditionNumber([[c, -s], [s, c]])).toBeCloseTo(1, 12)
    expect(conditionNumber([[1, 2], [2, 4]])).toBe(Infinity)
  })

  it('matches the 2×2 closed form σ² = (S ± √(S² − 4D²))/2', () => {
    const rng = createRng(5)
    for (let t = 0; t < 20; t++) {
      const [a, b, c, d] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()]
      const S = a * a + b * b + c * c + d * d
      const D = a * d - b * c
      const root = Math.sqrt(S * S - 4 * D * D)
      const want = Math.sqrt((S + root) / (S - root))
      expect(conditionNumber([[a, b], [c, d]]) / want).toBeCloseTo(1, 9)
    }
  })
})

describe('cl-ica condition-number procedure', () => {
  it('draws U(−1,1) matrices with unit-norm columns', () => {
    const m = drawColumnNormalizedUniform(createRng(1), 7)
    for (let j = 0; j < 7; j++) {
      let s = 0
      for (let i = 0; i < 7; i++) s += m.get(i, j) ** 2
      expect(s).toBeCloseTo(1, 12)
    }
  })

  it('threshold = min of the draws (ratio 0) or the given quantile', () => {
    const { threshold, conditionNumbers } = estimateConditionThreshold(createRng(2), 5, 400)
    expect(conditionNumbers.length).toBe(400)
    expect(threshold).toBe(Math.min(...conditionNumbers))
    const sorted = Float64Array.from(conditionNumbers).sort()
    expect(estimateConditionThreshold(createRng(2), 5, 400, 0.25).threshold).toBe(sorted[100])
  })

  it('redraws until cond ≤ threshold, and gives up with a SamplingLimitError after maxDraws', () => {
    const { threshold } = estimateConditionThreshold(createRng(3), 6, 200)
    const layer = drawConditionedMatrix(createRng(4), 6, threshold)
    expect(layer.conditionNumber).toBeLessThanOrEqual(threshold)
    expect(conditionNumber(layer.matrix)).toBe(layer.conditionNumber)
    expect(layer.draws).toBeGreaterThanOrEqual(1)
    expect(() => drawConditionedMatrix(createRng(4), 6, 1, 50)).toThrow(
      expect.objectContaining({ code: 'CL_SAMPLING_LIMIT', what: 'generator layer', tries: 50 }),
    )
  })
})
