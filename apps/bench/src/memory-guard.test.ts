import { describe, expect, it } from 'vitest'
import { isClError } from '@cl/core'
import { MemoryEstimateError } from './errors.js'
import { checkBatchFits, estimateStepBytes, maxBatchSize, PAIR_MATRICES, STEP_BUDGET_BYTES } from './memory-guard.js'
import { WORKLOADS } from './workloads/index.js'

describe('memory guard', () => {
  const lossOnly = WORKLOADS['loss-only'].shape

  it('estimates the stock loss by its N×N float32 matrices (closed form)', () => {
    const n = 1000
    // loss-only: the [N, 10] embedding and its positive view are the activations, the embedding the parameters
    expect(estimateStepBytes(n, lossOnly, false)).toBe(4 * (PAIR_MATRICES * n * n + 24 * n * 20 + 4 * n * 10))
    // an encoder: 10-40-10 has 10 + 40 + 10 units and 10·40 + 40 + 40·10 + 10 parameters
    expect(estimateStepBytes(n, { dims: 10, hiddenWidths: [40] }, false)).toBe(4 * (PAIR_MATRICES * n * n + 24 * n * 60 + 4 * 850))
  })

  it('allows the default N of every workload with the stock loss', () => {
    for (const w of Object.values(WORKLOADS)) expect(() => checkBatchFits(w.name, w.defaultN, w.shape, false)).not.toThrow()
  })

  it('refuses N past the wasm heap with a typed error naming n, the estimate and the largest N that fits', () => {
    let error: unknown
    try {
      checkBatchFits('loss-only', 16_384, lossOnly, false)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MemoryEstimateError)
    expect(isClError(error, 'CL_INVALID_CONFIG')).toBe(true)
    const e = error as MemoryEstimateError
    expect(e.field).toBe('n')
    expect(e.estimateBytes).toBeGreaterThan(STEP_BUDGET_BYTES)
    expect(e.maxN).toBe(maxBatchSize(lossOnly, false))
    expect(estimateStepBytes(e.maxN, lossOnly, false)).toBeLessThanOrEqual(STEP_BUDGET_BYTES)
    expect(estimateStepBytes(e.maxN + 1, lossOnly, false)).toBeGreaterThan(STEP_BUDGET_BYTES)
    expect(e.message).toMatch(/invalid n: expected at most \d+ for loss-only/)
  })

  it('lets the fused loss (no N×N buffer) reach the issue\'s N = 16 384', () => {
    expect(() => checkBatchFits('loss-only', 16_384, lossOnly, true)).not.toThrow()
    expect(maxBatchSize(lossOnly, true)).toBeGreaterThan(maxBatchSize(lossOnly, false))
  })
})
