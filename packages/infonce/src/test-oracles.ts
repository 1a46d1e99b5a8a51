import * as tf from '@tensorflow/tfjs'
import { createRng } from '@cl/core'
import { expect } from 'vitest'

/** Shared by the loss tests (not published): float64 matrices, finite differences and tolerance checks. */
export type Mat = number[][]

/** A seeded N(0, scale²) matrix. */
export function randomMat(seed: number, rows: number, cols: number, scale = 1): Mat {
  const rng = createRng(seed)
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * rng.normal()))
}

/** Read and dispose a loss decomposition. */
export function values(terms: { total: tf.Scalar; align: tf.Scalar; uniform: tf.Scalar }) {
  const out = { total: terms.total.dataSync()[0]!, align: terms.align.dataSync()[0]!, uniform: terms.uniform.dataSync()[0]! }
  tf.dispose(terms)
  return out
}

/** |actual − expected| ≤ rel · max(1, |expected|). */
export function expectRel(actual: number, expected: number, rel = 1e-5) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)))
}

/** Central finite differences of a float64 function of a matrix. */
export function fdGrad(fn: (x: Mat) => number, x: Mat, h = 1e-6): Mat {
  return x.map((row, i) =>
    row.map((_, k) => {
      const plus = x.map((r) => r.slice())
      const minus = x.map((r) => r.slice())
      plus[i]![k]! += h
      minus[i]![k]! -= h
      return (fn(plus) - fn(minus)) / (2 * h)
    }),
  )
}

/** Every gradient entry within rel · (largest expected entry) of the finite-difference reference. */
export function expectGradClose(actual: tf.Tensor, expected: Mat, rel = 1e-3) {
  const a = actual.arraySync() as Mat
  const scale = Math.max(...expected.flat().map(Math.abs), 1e-3)
  a.forEach((row, i) => row.forEach((v, k) => expect(Math.abs(v - expected[i]![k]!)).toBeLessThanOrEqual(rel * scale)))
}
