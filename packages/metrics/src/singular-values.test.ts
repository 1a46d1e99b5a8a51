import { createRng, countLeakedTensors, type Rng } from '@cl/core'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { normalizedSingularValues, singularValues } from './singular-values.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Householder reflector I − 2vvᵀ/vᵀv: exactly orthogonal up to rounding. */
function reflector(rng: Rng, n: number): number[][] {
  const v = Array.from({ length: n }, () => rng.normal())
  const vv = v.reduce((s, x) => s + x * x, 0)
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv))
}
function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)))
}
function orthogonal(rng: Rng, n: number): number[][] {
  return matmul(matmul(reflector(rng, n), reflector(rng, n)), reflector(rng, n))
}

describe('singularValues', () => {
  it('recovers the |entries| of a diagonal matrix, sorted descending, to 1e-10', () => {
    const diag = [0.3, -5, 2, 0, 1e-3, 7.5, -0.5, 1]
    const w = diag.map((x, i) => diag.map((_, j) => (i === j ? x : 0)))
    const s = singularValues(w)
    const expected = diag.map(Math.abs).sort((a, b) => b - a)
    s.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-10))
  })

  it('recovers the spectrum of U·diag(s)·Vᵀ for square, tall and wide matrices to 1e-10', () => {
    const rng = createRng(40)
    const s = [9, 4, 2.5, 1, 0.25, 1e-4]
    for (const [rows, cols] of [[6, 6], [10, 6], [6, 11]] as const) {
      const u = orthogonal(rng, rows)
      const v = orthogonal(rng, cols)
      const sigma = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === j && i < s.length ? s[i]! : 0)))
      const w = matmul(matmul(u, sigma), v)
      const got = singularValues(w)
      expect(got).toHaveLength(6)
      got.forEach((x, i) => expect(Math.abs(x - s[i]!)).toBeLessThan(1e-10))
      // transposing (tfjs kernels are Wᵀ) does not change them
      const gotT = singularValues(w[0]!.map((_, j) => w.map((r) => r[j]!)))
      gotT.forEach((x, i) => expect(Math.abs(x - s[i]!)).toBeLessThan(1e-10))
    }
  })

  it('normalises by the max (Fig. 1 default) or by the sum', () => {
    const w = [[4, 0, 0], [0, 2, 0], [0, 0, 2]]
    expect(normalizedSingularValues(w)).toEqual([1, 0.5, 0.5])
    expect(normalizedSingularValues(w, 'sum')).toEqual([0.5, 0.25, 0.25])
    expect(singularValues(w, { normalize: 'none' })).toEqual([4, 2, 2])
    expect(singularValues([[0, 0], [0, 0]], { normalize: 'max' })).toEqual([0, 0])
  })

  it('reads a tf.Tensor2D kernel without leaking', () => {
    let s: number[] = []
    expect(countLeakedTensors(() => {
      const t = tf.tensor2d([[3, 0], [0, -2], [0, 0]])
      s = singularValues(t)
      return t
    })).toBe(0)
    expect(s).toEqual([3, 2])
  })
})
