import * as tf from '@tensorflow/tfjs'
import { createRng } from '@cl/core'
import { estimateContentDims } from '@cl/metrics'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAdaptiveTemperature, emaLogTau, pairCovariances, prop3TargetTau, untemperedDistanceLoss } from './adaptive-temperature.js'
import { lpInfoNce } from './lp-infonce.js'
import { representationGradients } from './representation-gradients.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Sylvester Hadamard matrix of order n (a power of 2): ±1 entries, orthogonal columns, columns 1… have mean 0. */
function hadamard(n: number): number[][] {
  let h = [[1]]
  while (h.length < n) h = [...h.map((r) => [...r, ...r]), ...h.map((r) => [...r, ...r.map((v) => -v)])]
  return h
}

function mixing(d: number): number[][] {
  return [...Array(d)].map((_, i) => [...Array(d)].map((__, j) => (i === j ? 2 : 0) + 0.5 * Math.sin(1 + 3.7 * i + 1.9 * j)))
}

/**
 * A batch with exactly known moments: latents z = H[:, 1…d]·s (mean 0, Cov = n/(n−1)·diag(s²)), pair differences
 * Δ = H[:, d+1…2d]·σ (E[ΔΔᵀ] = diag(σ²), orthogonal to z), mixed by an invertible A: f = z·Aᵀ, f̃ = (z − Δ)·Aᵀ. The
 * generalized eigenvalues of (E[(f − f̃)(f − f̃)ᵀ], Cov f) are then ρ_k = σ_k² (n − 1) / (n s_k²) whatever A.
 */
function exactBatch(n: number, scale: number[], sigma: number[]): { f: number[][]; fPositive: number[][]; rho: number[] } {
  const d = scale.length
  const h = hadamard(n)
  const a = mixing(d)
  const z = h.map((r) => scale.map((s, k) => r[1 + k]! * s))
  const delta = h.map((r) => sigma.map((s, k) => r[1 + d + k]! * s))
  const mix = (v: number[]) => a.map((row) => row.reduce((acc, aij, j) => acc + aij * v[j]!, 0))
  return {
    f: z.map(mix),
    fPositive: z.map((zi, i) => mix(zi.map((v, k) => v - delta[i]![k]!))),
    rho: sigma.map((s, k) => (s * s * (n - 1)) / (n * scale[k]! ** 2)),
  }
}

function withTensors<T>(batch: { f: number[][]; fPositive: number[][] }, fn: (f: tf.Tensor2D, fp: tf.Tensor2D) => T): T {
  const f = tf.tensor2d(batch.f)
  const fp = tf.tensor2d(batch.fPositive)
  try {
    return fn(f, fp)
  } finally {
    tf.dispose([f, fp])
  }
}

describe('createAdaptiveTemperature (Prop. 2 + Prop. 3)', () => {
  const scale = [1, 0.7, 1.3, 0.9]
  const sigmaStyle = 0.2
  const sigmaContent = 0.02

  it('covariance source: τ_c = (ρ_c/ρ_s)^power·τ_s exactly on constructed covariances, on the first d̂_c outputs', () => {
    // content = latents 1 and 3 (any latent; the rule assigns τ_c to the first d̂_c *outputs*)
    const sigma = [sigmaStyle, sigmaContent, sigmaStyle, 2 * sigmaContent]
    const batch = exactBatch(16, scale, sigma)
    const rho = [...batch.rho].sort((x, y) => x - y)
    const rhoC = (rho[0]! + rho[1]!) / 2
    const rhoS = (rho[2]! + rho[3]!) / 2
    for (const [reading, power] of [['representation', 1], ['logits', 0.5]] as const) {
      for (const tauStyle of [1, 2.5]) {
        const adaptive = createAdaptiveTemperature({ dims: 4, source: 'covariance', reading, tauStyle, floor: 1e-4, momentum: 0 })
        const before = tf.memory().numTensors
        const u = withTensors(batch, (f, fp) => adaptive.update(f, fp))
        expect(tf.memory().numTensors).toBe(before)
        expect(u.source).toBe('covariance')
        expect(u.contentDims).toBe(2)
        u.estimate.values.forEach((v, k) => expect(v / rho[k]!).toBeCloseTo(1, 4))
        expect(u.rhoContent / rhoC).toBeCloseTo(1, 4)
        expect(u.rhoStyle / rhoS).toBeCloseTo(1, 4)
        const want = Math.pow(rhoC / rhoS, power) * tauStyle
        expect(u.tauContentRaw / want).toBeCloseTo(1, 4)
        expect(u.target[0]).toBe(u.tauContentRaw)
        expect(u.target.slice(2)).toEqual([tauStyle, tauStyle])
        const values = adaptive.values()
        expect(values[0]! / want).toBeCloseTo(1, 4)
        expect(values[1]! / want).toBeCloseTo(1, 4)
        expect([values[2], values[3]]).toEqual([tauStyle, tauStyle])
        expect(adaptive.power).toBe(power)
        adaptive.dispose()
      }
    }
  })

  it('clamps τ_c to the floor (δ content: ρ_c = 0) and to τ_s; d̂_c = 0 (no split) gives τ_s everywhere', () => {
    const delta = exactBatch(16, scale, [0, sigmaStyle, sigmaStyle, sigmaStyle])
    const a = createAdaptiveTemperature({ dims: 4, source: 'covariance', floor: 0.05, momentum: 0 })
    const u = withTensors(delta, (f, fp) => a.update(f, fp))
    expect(u.contentDims).toBe(1)
    expect(u.tauContentRaw).toBeLessThan(1e-6)
    expect(Array.from(a.values())).toEqual([Math.fround(0.05), 1, 1, 1])
    a.dispose()
    const flat = exactBatch(16, scale, [sigmaStyle, sigmaStyle, 0.9 * sigmaStyle, sigmaStyle])
    const b = createAdaptiveTemperature({ dims: 4, source: 'covariance', momentum: 0, tauStyle: 3 })
    const v = withTensors(flat, (f, fp) => b.update(f, fp))
    expect(v.contentDims).toBe(0)
    expect(Number.isNaN(v.rhoContent)).toBe(true)
    expect(Array.from(b.values())).toEqual([3, 3, 3, 3])
    b.dispose()
    // the pure rule: τ_c never exceeds τ_s, ρ_s ≤ 0 (no usable estimate) keeps τ_s
    const rule = { dims: 3, tauStyle: 1, power: 1, floor: 0.01 }
    expect(prop3TargetTau({ contentDims: 1, values: [0.5, 0.4, 0.6] }, rule).target).toEqual([1, 1, 1])
    expect(prop3TargetTau({ contentDims: 1, values: [-0.1, 0, 0] }, rule).target).toEqual([1, 1, 1])
    expect(prop3TargetTau({ contentDims: 2, values: [0.001, 0.003, 0.1] }, rule).target).toEqual([0.02, 0.02, 1])
    expect(prop3TargetTau({ contentDims: 1, values: [0.0001, 0.1, 0.3] }, { ...rule, power: 0.5 }).target[0]).toBeCloseTo(Math.sqrt(0.0001 / 0.2), 12)
  })

  it('smooths with an EMA in log τ: after k updates on one batch log τ = (1 − m^k)·log τ_target', () => {
    expect(emaLogTau([1, 0.5], [0.01, 0.5], 0.5)).toEqual([Math.exp(0.5 * Math.log(0.01)), 0.5])
    const batch = exactBatch(16, scale, [sigmaContent, sigmaStyle, sigmaStyle, sigmaStyle])
    const m = 0.9
    const a = createAdaptiveTemperature({ dims: 4, source: 'covariance', momentum: m, floor: 1e-4 })
    const first = withTensors(batch, (f, fp) => a.update(f, fp))
    const target = first.target[0]!
    for (let k = 2; k <= 4; k++) withTensors(batch, (f, fp) => a.update(f, fp))
    expect(Math.log(a.values()[0]!) / Math.log(target)).toBeCloseTo(1 - m ** 4, 5)
    expect(a.history).toHaveLength(4)
    expect(a.last).toBe(a.history[3])
    expect(a.last!.tau[1]).toBe(1)
    a.dispose()
  })

  it('gradient source: reads the un-tempered distance-form gradients (Prop. 2), d̂_c exact and ρ_c/ρ_s ≈ (σ_c/σ_s)²', () => {
    // uniform latents in a box, style ±σ_s / content ±σ_c pair differences, mixed by A
    const rng = createRng(3)
    const a = mixing(4)
    const mix = (v: number[]) => a.map((row) => row.reduce((acc, aij, j) => acc + aij * v[j]!, 0))
    const sigma = [0.01, 0.1, 0.1, 0.1]
    const z = [...Array(256)].map(() => [0.6, 0.5, 0.7, 0.6].map((s) => (rng.uniform() - 0.5) * 2 * s))
    const batch = { f: z.map(mix), fPositive: z.map((zi) => mix(zi.map((v, k) => v - (rng.uniform() < 0.5 ? -1 : 1) * sigma[k]!))) }
    const adaptive = createAdaptiveTemperature({ dims: 4, momentum: 0, floor: 1e-4 })
    const before = tf.memory().numTensors
    const u = withTensors(batch, (f, fp) => {
      const g = representationGradients(f, fp, untemperedDistanceLoss)
      const direct = estimateContentDims({ align: g.align, uniform: g.uniform })
      const out = adaptive.update(f, fp)
      expect(out.estimate.values).toEqual(direct.values)
      return out
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(u.source).toBe('gradient')
    expect(u.fallback).toBeUndefined()
    expect(u.contentDims).toBe(1)
    // Lemma 5 holds as M → ∞ (α_ij ≈ 1/M); at N = 256 the ratio is (σ_c/σ_s)² = 0.01 up to the softmax weights
    expect(u.tauContentRaw).toBeGreaterThan(0.005)
    expect(u.tauContentRaw).toBeLessThan(0.03)
    // a user loss is used as given: a tempered one (which the doc warns against) changes ρ
    const tempered = withTensors(batch, (f, fp) => adaptive.update(f, fp, (x, y) => lpInfoNce(x, y, { tau: [0.5, 1, 1, 1], p: 2, negatives: 'batch-excluding-self' })))
    expect(tempered.estimate.values).not.toEqual(u.estimate.values)
    // a uniformity gradient that is not negative definite: this update reads the covariances and says why
    const notNd = (x: tf.Tensor2D, y: tf.Tensor2D) => {
      const t = untemperedDistanceLoss(x, y)
      const uniform = tf.add(tf.mean(tf.sum(tf.square(x), 1)), tf.mean(tf.sum(tf.square(y), 1))) as tf.Scalar
      return { align: t.align, uniform, total: tf.add(t.align, uniform) as tf.Scalar }
    }
    const fell = withTensors(batch, (f, fp) => adaptive.update(f, fp, notNd))
    expect(fell.source).toBe('covariance')
    expect(fell.fallback).toMatch(/^invalid uniform: expected a positive-definite marginal/)
    expect(fell.contentDims).toBe(1)
    expect(tf.memory().numTensors).toBe(before)
    adaptive.dispose()
  })

  it('pairCovariances: E[(f − f̃)(f − f̃)ᵀ] and the unbiased Cov(f) in float64', () => {
    const f = Float64Array.from([1, 2, 3, 5, 2, 0])
    const fp = Float64Array.from([1, 1, 3, 4, 1, 2])
    const { conditional, marginal } = pairCovariances(f, fp, 3, 2)
    expect(conditional).toEqual([[(0 + 0 + 1) / 3, (0 + 0 - 2) / 3], [(0 + 0 - 2) / 3, (1 + 1 + 4) / 3]])
    // mean (2, 7/3); Cov = Σ (f − μ)(f − μ)ᵀ / 2
    const c = [[-1, -1 / 3], [1, 8 / 3], [0, -7 / 3]]
    const want = [0, 1].map((i) => [0, 1].map((j) => c.reduce((s, r) => s + r[i]! * r[j]!, 0) / 2))
    marginal.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 12)))
  })

  it('τ is a non-trainable float32 [d] variable initialised to τ_s; create/update/dispose leave no tensors', () => {
    const before = tf.memory().numTensors
    const a = createAdaptiveTemperature({ dims: 3, tauStyle: 2, source: 'covariance' })
    expect(a.tau.trainable).toBe(false)
    expect(a.tau.dtype).toBe('float32')
    expect(a.tau.shape).toEqual([3])
    expect(Array.from(a.values())).toEqual([2, 2, 2])
    expect([a.updateEvery, a.momentum, a.floor, a.reading, a.source]).toEqual([10, 0.9, 0.01, 'representation', 'covariance'])
    expect([0, 5, 10, 20, 21].map((s) => a.shouldUpdate(s))).toEqual([false, false, true, true, false])
    withTensors(exactBatch(16, [1, 1, 1], [0.01, 0.3, 0.3]), (f, fp) => a.update(f, fp))
    expect(tf.memory().numTensors).toBe(before + 1)
    a.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('names the field in every error', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ dims: 1 }, /^invalid dims: expected an integer ≥ 2/],
      [{ dims: 4, tauStyle: 0 }, /^invalid tauStyle:/],
      [{ dims: 4, reading: 'scale' }, /^invalid reading:/],
      [{ dims: 4, floor: 2 }, /^invalid floor: expected a number in \(0, tauStyle = 1\]/],
      [{ dims: 4, floor: -1 }, /^invalid floor:/],
      [{ dims: 4, momentum: 1 }, /^invalid momentum: expected a number in \[0, 1\)/],
      [{ dims: 4, updateEvery: 0.5 }, /^invalid updateEvery:/],
      [{ dims: 4, source: 'spectrum' }, /^invalid source:/],
      [{ dims: 4, minGap: 0 }, /^invalid minGap:/],
      [{ dims: 4, tau: 1 }, /^invalid options\.tau: expected one of the keys/],
    ]
    for (const [options, message] of bad) expect(() => createAdaptiveTemperature(options as never)).toThrow(message)
    const a = createAdaptiveTemperature({ dims: 3, source: 'covariance' })
    const before = tf.memory().numTensors
    const f = tf.zeros([4, 2]) as tf.Tensor2D
    const f3 = tf.zeros([1, 3]) as tf.Tensor2D
    expect(() => a.update(f, f)).toThrow(/\bf\b/)
    expect(() => a.update(f3, f3)).toThrow(/^invalid f: expected at least 2 rows/)
    const g = tf.ones([4, 3]) as tf.Tensor2D
    expect(() => a.update(g, g, untemperedDistanceLoss)).toThrow(/^invalid loss: expected no loss with source 'covariance'/)
    tf.dispose([f, f3, g])
    expect(tf.memory().numTensors).toBe(before)
    a.dispose()
    const b = createAdaptiveTemperature({ dims: 3 })
    const h = tf.ones([4, 3]) as tf.Tensor2D
    expect(() => b.update(h, h, 'eq4' as never)).toThrow(/^invalid loss:/)
    h.dispose()
    b.dispose()
  })
})
