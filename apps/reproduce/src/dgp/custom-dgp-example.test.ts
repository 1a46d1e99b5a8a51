import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Dgp } from '@cl/dgp'
import type { UserDgp } from '../experiments/experiment.js'
import { loadUserDgp } from './load-user-dgp.js'

/** The worked example of README "Bring your own DGP", loaded the way `--dgp` loads it. */
const EXAMPLE_DGP = fileURLToPath(new URL('../../../../examples/custom-dgp/dgp.mjs', import.meta.url))

let example: UserDgp
let helpers: { reflectIntoUnit: (v: number) => number; LAPLACE_SCALE: number; SINH_GAIN: number }
beforeAll(async () => {
  await tf.setBackend('cpu')
  example = await loadUserDgp(EXAMPLE_DGP)
  helpers = (await import(/* @vite-ignore */ EXAMPLE_DGP)) as typeof helpers
})

const make = (o: { dims?: number; contentDims?: number; seed?: number } = {}): Dgp =>
  example.factory({ space: 'box', dims: o.dims ?? 6, contentDims: o.contentDims ?? 2, seed: o.seed ?? 11 })

describe('examples/custom-dgp (Beta(2,2) box, reflected Laplace style, Householder/sinh generator)', () => {
  it('samples [n, d] batches in the box with its own kinds, without leaking tensors', () => {
    const dgp = make()
    expect(dgp.metadata).toMatchObject({ space: 'beta-box', dims: 6, contentDims: 2, styleDims: 4, conditional: 'laplace-reflected', generator: 'householder-sinh', contentIndices: [0, 1], styleIndices: [2, 3, 4, 5] })
    const before = tf.memory().numTensors
    const batch = dgp.sample(64)
    for (const t of Object.values(batch)) expect(t.shape).toEqual([64, 6])
    const z = batch.z.dataSync()
    const zp = batch.zPositive.dataSync()
    for (const v of [...z, ...zp]) expect(v >= 0 && v <= 1).toBe(true)
    tf.dispose(Object.values(batch))
    expect(tf.memory().numTensors).toBe(before)
  })

  it('keeps content bit-exact (δ) and moves style within [0, 1] by a Laplace(0, b) step', () => {
    const n = 20_000
    const a = make().sampleArrays(n)
    const absSteps: number[] = []
    let contentChanged = 0
    let outside = 0
    for (let i = 0; i < n; i++) {
      for (const k of [0, 1]) if (!Object.is(a.zPositive[i * 6 + k], a.z[i * 6 + k])) contentChanged++
      for (const k of [2, 3, 4, 5]) {
        const v = a.zPositive[i * 6 + k]!
        if (!(v >= 0 && v <= 1)) outside++
        absSteps.push(Math.abs(v - a.z[i * 6 + k]!))
      }
    }
    expect(contentChanged).toBe(0)
    expect(outside).toBe(0)
    // Median of |Laplace(0, b)| is b·ln 2; the reflection only shortens the rare steps that cross a face.
    absSteps.sort((x, y) => x - y)
    const median = absSteps[absSteps.length >> 1]!
    expect(Math.abs(median / (helpers.LAPLACE_SCALE * Math.LN2) - 1)).toBeLessThan(0.05)
  })

  it('reflects any real number back into [0, 1] (a triangle wave of period 2)', () => {
    const cases: [number, number][] = [[0.3, 0.3], [-0.2, 0.2], [1.25, 0.75], [2.1, 0.1], [-1.5, 0.5], [3, 1], [-4, 0], [1, 1], [0, 0]]
    for (const [v, want] of cases) expect(helpers.reflectIntoUnit(v)).toBeCloseTo(want, 12)
  })

  it('has a Beta(2,2) marginal: mean 1/2, variance 1/20 (not the uniform 1/12)', () => {
    const { z } = make({ seed: 5 }).sampleArrays(20_000) // 120 000 coordinates
    let sum = 0
    for (const v of z) sum += v
    const mean = sum / z.length
    let ss = 0
    for (const v of z) ss += (v - mean) ** 2
    const variance = ss / (z.length - 1)
    // Standard errors: √(1/20/N) ≈ 6.5e-4 for the mean; √((μ₄ − σ⁴)/N) ≈ 1.5e-4 for the variance (μ₄ = 3/560).
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.004)
    expect(Math.abs(variance - 1 / 20)).toBeLessThan(0.001)
  })

  it('g⁻¹(g(z)) = z to 1e-9 in float64, g is non-linear, and the batch x is g(z)', () => {
    const dgp = make({ dims: 8, contentDims: 3 })
    const a = dgp.sampleArrays(500)
    const g = dgp.generator
    const back = g.inverseArray(g.forwardArray(a.z, 500), 500)
    let worst = 0
    for (let i = 0; i < a.z.length; i++) worst = Math.max(worst, Math.abs(back[i]! - a.z[i]!))
    expect(worst).toBeLessThan(1e-9)
    expect(Array.from(g.forwardArray(a.z, 500))).toEqual(Array.from(a.x))
    // Independent float64 check of one row: x = H₂ sinh(c H₁ (z − ½)) must not be affine: g(½(u+v)) ≠ ½(g(u)+g(v)).
    const u = a.z.slice(0, 8)
    const v = a.z.slice(8, 16)
    const mid = g.forwardArray(u.map((t, k) => (t + v[k]!) / 2), 1)
    const gu = g.forwardArray(u, 1)
    const gv = g.forwardArray(v, 1)
    const gap = Math.max(...Array.from(mid, (m, k) => Math.abs(m - (gu[k]! + gv[k]!) / 2)))
    expect(gap).toBeGreaterThan(1e-3)
  })

  it('is a function of the seed: same seed same data, another seed another generator', () => {
    const a = make({ seed: 1 }).sampleArrays(4)
    expect(make({ seed: 1 }).sampleArrays(4).x).toEqual(a.x)
    expect(make({ seed: 2 }).generator.forwardArray(a.z, 4)).not.toEqual(a.x)
  })

  it('supports d_c = 0 (the control runs) and says in one line that it has no sphere version', () => {
    expect(make({ contentDims: 0 }).metadata.styleIndices).toHaveLength(6)
    expect(() => example.factory({ space: 'sphere', dims: 6, contentDims: 2, seed: 0 })).toThrow(
      /^--dgp .*dgp\.mjs: the factory threw for \{ space: 'sphere', .*\}: invalid space: expected 'box' \(this example DGP lives on the hyperbox \[0, 1\]\^d\), received "sphere"$/,
    )
  })
})
