import { describe, expect, it } from 'vitest'
import { createRng } from './prng.js'

const N = 200_000
/** Kolmogorov–Smirnov statistic of `xs` against the CDF `cdf`. */
function ks(xs: Float64Array, cdf: (x: number) => number): number {
  const s = Float64Array.from(xs).sort()
  let d = 0
  for (let i = 0; i < s.length; i++) {
    const f = cdf(s[i]!)
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs((i + 1) / s.length - f))
  }
  return d
}
/** Critical value of the one-sample KS test at α = 0.001 (asymptotic: 1.9495/√n). */
const ksCritical = (n: number) => 1.9495 / Math.sqrt(n)
function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), plenty for a KS check at n = 2e5.
  const t = 1 / (1 + 0.3275911 * Math.abs(x))
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x)
  return x >= 0 ? y : -y
}
const phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2))
function moments(xs: Float64Array): { mean: number; variance: number } {
  let m = 0
  for (const x of xs) m += x
  m /= xs.length
  let v = 0
  for (const x of xs) v += (x - m) ** 2
  return { mean: m, variance: v / (xs.length - 1) }
}
const minOf = (xs: Float64Array) => xs.reduce((a, b) => Math.min(a, b), Infinity)
const maxOf = (xs: Float64Array) => xs.reduce((a, b) => Math.max(a, b), -Infinity)
function draw(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = f()
  return out
}

describe('createRng', () => {
  it('same seed gives the same stream, different seeds differ', () => {
    const a = createRng(7)
    const b = createRng(7)
    const c = createRng(8)
    const sa = draw(100, a.uniform)
    expect(draw(100, b.uniform)).toEqual(sa)
    expect(draw(100, c.uniform)).not.toEqual(sa)
  })

  it('is pinned: the stream for seed 0 never changes across releases', () => {
    const r = createRng(0)
    const first = [r.nextUint32(), r.nextUint32(), r.nextUint32()]
    // Regenerate only with a major version bump: every published seed would change its samples.
    expect(first).toEqual(PINNED_SEED0)
  })

  it('forks are deterministic and independent of each other and of the parent', () => {
    const parent = createRng(3)
    const x1 = draw(50, parent.fork('generator').uniform)
    const x2 = draw(50, createRng(3).fork('generator').uniform)
    const y = draw(50, createRng(3).fork('sampler').uniform)
    expect(x1).toEqual(x2)
    expect(y).not.toEqual(x1)
    expect(draw(50, createRng(3).uniform)).not.toEqual(x1)
  })

  it('accepts large integer seeds and rejects non-integers, negatives and unsafe integers', () => {
    expect(createRng(2 ** 40 + 5).uniform()).not.toBe(createRng(5).uniform())
    for (const bad of [-1, 0.5, Number.NaN, 2 ** 53]) expect(() => createRng(bad)).toThrow(/^invalid seed: expected an integer in \[0, 9007199254740991\]/)
  })

  it('uniform: in [0,1), mean 1/2, variance 1/12, KS at α = 0.001', () => {
    const xs = createRng(11).uniformArray(N)
    expect(minOf(xs)).toBeGreaterThanOrEqual(0)
    expect(maxOf(xs)).toBeLessThan(1)
    const { mean, variance } = moments(xs)
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / N))
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002)
    expect(ks(xs, (x) => x)).toBeLessThan(ksCritical(N))
  })

  it('uniformRange and int cover their ranges', () => {
    const r = createRng(12)
    const xs = draw(10_000, () => r.uniformRange(-2, 3))
    expect(minOf(xs)).toBeGreaterThanOrEqual(-2)
    expect(maxOf(xs)).toBeLessThan(3)
    const counts = new Array(5).fill(0)
    for (let i = 0; i < 50_000; i++) counts[r.int(5)]++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.8))
    expect(() => r.int(0)).toThrow(/invalid int\(n\) n: expected an integer ≥ 1, received 0/)
  })

  it('normal: mean 0, variance 1, KS against Φ', () => {
    const xs = createRng(13).normalArray(N)
    const { mean, variance } = moments(xs)
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(N))
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / N))
    expect(ks(xs, phi)).toBeLessThan(ksCritical(N))
  })

  it('laplace(b): variance 2b², KS against its CDF', () => {
    const b = 0.3
    const r = createRng(14)
    const xs = draw(N, () => r.laplace(b))
    const { mean, variance } = moments(xs)
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(2 * b * b / N))
    expect(Math.abs(variance / (2 * b * b) - 1)).toBeLessThan(0.03)
    expect(ks(xs, (x) => (x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b)))).toBeLessThan(ksCritical(N))
  })

  it.each([0.5, 1, 2.5, 9])('gamma(%f): mean = variance = shape', (shape) => {
    const r = createRng(15)
    const xs = draw(N, () => r.gamma(shape))
    const { mean, variance } = moments(xs)
    expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / N))
    expect(Math.abs(variance / shape - 1)).toBeLessThan(0.05)
    expect(minOf(xs)).toBeGreaterThan(0)
  })

  it('gamma(1) is Exp(1): KS against 1 − e^{−x}', () => {
    const r = createRng(16)
    expect(ks(draw(N, () => r.gamma(1)), (x) => 1 - Math.exp(-x))).toBeLessThan(ksCritical(N))
  })

  it.each([
    [2, 2],
    [4.5, 4.5],
    [0.7, 3],
  ])('beta(%f, %f): mean a/(a+b), variance ab/((a+b)²(a+b+1))', (a, b) => {
    const r = createRng(17)
    const xs = draw(N, () => r.beta(a, b))
    const { mean, variance } = moments(xs)
    const m = a / (a + b)
    const v = (a * b) / ((a + b) ** 2 * (a + b + 1))
    expect(Math.abs(mean - m)).toBeLessThan(5 * Math.sqrt(v / N))
    expect(Math.abs(variance / v - 1)).toBeLessThan(0.05)
  })

  it('gamma rejects a non-positive shape', () => {
    expect(() => createRng(1).gamma(0)).toThrow(/invalid gamma shape: expected a finite number > 0, received 0/)
  })
})

const PINNED_SEED0 = [1789933344, 44971166, 2521387044]
