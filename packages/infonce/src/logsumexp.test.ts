import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { logSumExp, MASK_VALUE } from './logsumexp.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function lse64(row: number[]): number {
  const m = Math.max(...row)
  return m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0))
}

describe('logSumExp (customGrad, gradient dy·softmax)', () => {
  const rows = Array.from({ length: 4 }, (_, i) => Array.from(createRng(40 + i).normalArray(7), (v) => 5 * v))

  it('matches a float64 reference and tf.logSumExp', () => {
    const x = tf.tensor2d(rows)
    const got = logSumExp(x)
    const stock = tf.logSumExp(x, 1)
    const g = got.dataSync()
    rows.forEach((row, i) => expect(Math.abs(g[i]! - lse64(row))).toBeLessThan(1e-5 * Math.abs(lse64(row)) + 1e-6))
    stock.dataSync().forEach((v, i) => expect(Math.abs(v - g[i]!)).toBeLessThan(1e-5))
    tf.dispose([x, got, stock])
  })

  it('gradient equals dy · softmax and matches the stock gradient', () => {
    const x = tf.tensor2d(rows)
    const dy = tf.tensor1d([1, -2, 0.5, 3])
    const [g] = tf.grads((t: tf.Tensor) => logSumExp(t))([x], dy)
    const [gStock] = tf.grads((t: tf.Tensor) => tf.logSumExp(t, 1))([x], dy)
    const ga = g!.arraySync() as number[][]
    const dys = [1, -2, 0.5, 3]
    rows.forEach((row, i) => {
      const l = lse64(row)
      row.forEach((v, j) => expect(Math.abs(ga[i]![j]! - dys[i]! * Math.exp(v - l))).toBeLessThan(1e-6))
    })
    const diff = tf.max(tf.abs(tf.sub(g!, gStock!))).dataSync()[0]!
    expect(diff).toBeLessThan(1e-6)
    tf.dispose([x, dy, g!, gStock!])
  })

  it('is stable for huge logits and gives masked entries exactly zero weight (no NaN)', () => {
    const x = tf.tensor2d([
      [1e4, 1e4 - 1, MASK_VALUE],
      [-1e4, -1e4, MASK_VALUE],
      [MASK_VALUE, MASK_VALUE, MASK_VALUE],
    ])
    const v = logSumExp(x).dataSync()
    expect(v[0]).toBeCloseTo(1e4 + Math.log(1 + Math.exp(-1)), 2)
    expect(v[1]).toBeCloseTo(-1e4 + Math.log(2), 2)
    expect(v[2]).toBeCloseTo(MASK_VALUE + Math.log(3), -3)
    const [g] = tf.grads((t: tf.Tensor) => logSumExp(t))([x])
    const ga = g!.arraySync() as number[][]
    expect(ga.flat().every(Number.isFinite)).toBe(true)
    expect(ga[0]![2]).toBe(0)
    expect(ga[1]![2]).toBe(0)
    tf.dispose([x, g!])
  })

  it('works on any rank (last axis) and is leak-free with and without a tape', () => {
    const x = tf.ones([2, 3, 4])
    const y = logSumExp(x)
    expect(y.shape).toEqual([2, 3])
    expect(y.dataSync()[0]).toBeCloseTo(1 + Math.log(4), 5)
    expect(countLeakedTensors(() => logSumExp(x))).toBe(0)
    expect(countLeakedTensors(() => tf.grads((t: tf.Tensor) => logSumExp(t))([x]))).toBe(0)
    tf.dispose([x, y])
  })

  it('rejects a scalar with a typed shape error', () => {
    const scalar = tf.scalar(1)
    expect(() => logSumExp(scalar)).toThrow(expect.objectContaining({ code: 'CL_SHAPE_MISMATCH', field: 'logSumExp x' }))
    scalar.dispose()
  })
})
