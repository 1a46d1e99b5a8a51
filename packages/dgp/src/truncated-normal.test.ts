import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { sampleTruncated, sampleTruncatedNormal } from './truncated-normal.js'
import { moments, truncatedNormalMoments } from './test-oracles.js'

describe('sampleTruncated (element-wise rejection, cl-ica)', () => {
  const n = 100_000
  it.each([
    { where: 'at the lower edge', mu: 0.01, sigma: 0.05 },
    { where: 'on the upper edge', mu: 1, sigma: 0.05 },
    { where: 'in the middle', mu: 0.5, sigma: 0.05 },
    { where: 'wide relative to the box', mu: 0.3, sigma: 0.5 },
  ])('normal $where matches the closed-form truncated-normal mean and std', ({ mu, sigma }) => {
    const rng = createRng(11)
    const xs = new Float64Array(n)
    for (let i = 0; i < n; i++) xs[i] = sampleTruncatedNormal(rng, mu, sigma, 0, 1)
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true)
    const got = moments(xs)
    const want = truncatedNormalMoments(mu, sigma, 0, 1)
    expect(Math.abs(got.std - want.std) / want.std).toBeLessThan(0.015) // SE of std ≈ 0.3 %
    expect(Math.abs(got.mean - want.mean)).toBeLessThan((5 * want.std) / Math.sqrt(n))
    if (mu < 0.1) expect(want.std).toBeLessThan(0.8 * sigma) // the edge case really is truncated
  })

  it('laplace with negligible truncation has std √2·b', () => {
    const rng = createRng(12)
    const xs = new Float64Array(n)
    for (let i = 0; i < n; i++) xs[i] = sampleTruncated(rng, 'laplace', 0.5, 0.02, 0, 1)
    const got = moments(xs)
    expect(Math.abs(got.std - Math.SQRT2 * 0.02) / (Math.SQRT2 * 0.02)).toBeLessThan(0.02)
    expect(Math.abs(got.mean - 0.5)).toBeLessThan(0.001)
  })

  it('throws instead of hanging when the mean is far outside the interval', () => {
    expect(() => sampleTruncated(createRng(1), 'normal', 50, 0.01, 0, 1, 1000)).toThrow(
      expect.objectContaining({ code: 'CL_SAMPLING_LIMIT', what: 'truncated normal', tries: 1000 }),
    )
  })
})
