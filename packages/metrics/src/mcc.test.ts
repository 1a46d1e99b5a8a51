import { createRng, countLeakedTensors, type Rng } from '@cl/core'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { mcc, mccDetailed } from './mcc.js'
import { pearsonMatrix } from './pearson.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const uniformMatrix = (rng: Rng, n: number, d: number) => Array.from({ length: n }, () => Array.from({ length: d }, () => rng.uniform()))

/**
 * Null tolerance for MCC of independent data: every |Pearson r| is ≈ |N(0, 1/n)|, and the matched mean is at most
 * the largest of the d·m entries, which exceeds √(2·ln(2·d·m/δ)/n) with probability < δ (Gaussian tail + union
 * bound). δ = 1e-6.
 */
const nullTolerance = (n: number, d: number, m: number, delta = 1e-6) => Math.sqrt((2 * Math.log((2 * d * m) / delta)) / n)

describe('pearsonMatrix', () => {
  it('matches the textbook formula and gives 0 for a constant column', () => {
    const a = [[1, 5], [2, 5], [4, 5], [7, 5]]
    const b = [[2], [1], [0], [-4]]
    const c = pearsonMatrix(a, b)
    const xs = [1, 2, 4, 7]
    const ys = [2, 1, 0, -4]
    const mx = 3.5
    const my = -0.25
    const cov = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0)
    const sx = Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0))
    const sy = Math.sqrt(ys.reduce((s, y) => s + (y - my) ** 2, 0))
    expect(c[0]![0]).toBeCloseTo(cov / (sx * sy), 14)
    expect(c[1]![0]).toBe(0)
  })
})

describe('mcc', () => {
  it('is 1 for a permuted, rescaled (incl. negative scales) and shifted copy of the latents', () => {
    const rng = createRng(30)
    const d = 10
    const z = uniformMatrix(rng, 2000, d)
    const perm = [3, 7, 0, 9, 1, 5, 2, 8, 4, 6]
    const scale = [2, -1, 0.5, -3, 10, -0.01, 1, 4, -7, 0.2]
    const h = z.map((r) => perm.map((k, j) => scale[j]! * r[k]! + j))
    expect(mcc(z, h)).toBeCloseTo(1, 12)
    const detail = mccDetailed(z, h)
    for (let k = 0; k < d; k++) expect(perm[detail.representationIndices[k]!]).toBe(detail.latentIndices[k])
  })

  it('is ≈ 0 for independent data, within √(2 ln(2dm/δ)/n)', () => {
    const rng = createRng(31)
    for (const [n, d, m] of [[5000, 10, 10], [2000, 4, 12], [20_000, 6, 6]] as const) {
      const value = mcc(uniformMatrix(rng, n, d), uniformMatrix(rng, n, m))
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThan(nullTolerance(n, d, m))
    }
  })

  it('equals the closed-form correlation √(Var z / (Var z + σ²)) for a noisy identity', () => {
    const rng = createRng(32)
    const n = 20_000
    const sigma = 0.2
    const z = uniformMatrix(rng, n, 5)
    const h = z.map((r) => r.map((v) => v + sigma * rng.normal()))
    const expected = Math.sqrt(1 / 12 / (1 / 12 + sigma * sigma))
    // sd of a sample correlation ≈ (1 − ρ²)/√n ≈ 0.003: 4 sd on a mean of 5
    expect(Math.abs(mcc(z, h) - expected)).toBeLessThan(0.012)
  })

  it('matches min(d, width) pairs when the representation is wider, and reads tensors without leaks', () => {
    const rng = createRng(33)
    const z = uniformMatrix(rng, 500, 3)
    const h = z.map((r) => [rng.normal(), r[2]!, rng.normal(), -r[0]!, rng.normal(), r[1]! * 3])
    let value = 0
    const leaked = countLeakedTensors(() => {
      const zt = tf.tensor2d(z)
      const ht = tf.tensor2d(h)
      value = mcc(zt, ht)
      return [zt, ht]
    })
    expect(leaked).toBe(0)
    expect(value).toBeCloseTo(1, 5) // float32 round trip
    expect(mccDetailed(z, h).representationIndices).toEqual([3, 5, 1])
  })
})
