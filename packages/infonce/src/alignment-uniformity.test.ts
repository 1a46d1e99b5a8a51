import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng, InvalidConfigError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { alignmentLoss, uniformityLoss } from './alignment-uniformity.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const rows = (seed: number, n: number, d: number) => {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()))
}
const sqDist = (a: number[], b: number[]) => a.reduce((s, x, k) => s + (x - b[k]!) ** 2, 0)

describe('Wang & Isola alignment / uniformity', () => {
  const f = rows(70, 7, 3)
  const fp = rows(71, 7, 3)

  it('alignment = mean ‖f − f̃‖^α (float64 reference)', () => {
    for (const alpha of [2, 1]) {
      const ref = f.reduce((s, r, i) => s + sqDist(r, fp[i]!) ** (alpha / 2), 0) / f.length
      const got = alignmentLoss(tf.tensor2d(f), tf.tensor2d(fp), { alpha })
      expect(Math.abs(got.dataSync()[0]! - ref)).toBeLessThan(1e-5 * Math.max(1, ref))
    }
  })

  it('uniformity = log mean_{i≠j} exp(−t‖f_i − f_j‖²) (float64 reference), leak-free', () => {
    for (const t of [2, 0.5]) {
      let s = 0
      for (let i = 0; i < f.length; i++) for (let j = 0; j < f.length; j++) if (i !== j) s += Math.exp(-t * sqDist(f[i]!, f[j]!))
      const ref = Math.log(s / (f.length * (f.length - 1)))
      const x = tf.tensor2d(f)
      const got = uniformityLoss(x, { t })
      expect(Math.abs(got.dataSync()[0]! - ref)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref)))
      expect(countLeakedTensors(() => uniformityLoss(x, { t }))).toBe(0)
      tf.dispose([x, got])
    }
    expect(() => uniformityLoss(tf.ones([1, 3]) as tf.Tensor2D)).toThrow(InvalidConfigError)
  })
})
