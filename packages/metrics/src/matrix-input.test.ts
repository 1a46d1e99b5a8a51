import { countLeakedTensorsAsync, isClError } from '@cl/core'
import * as tf from '@tensorflow/tfjs'
import { Matrix } from 'ml-matrix'
import { beforeAll, describe, expect, it } from 'vitest'
import { readLabels, readMatrix, toDenseMatrix, toLabels } from './matrix-input.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const expected = { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] }

describe('matrix inputs', () => {
  it('number[][], {data, shape} (Float32/Float64/plain), ml-matrix and tf.Tensor2D give the same float64 copy', async () => {
    const rows = [[1, 2, 3], [4, 5, 6]]
    expect(toDenseMatrix(rows)).toEqual(expected)
    expect(toDenseMatrix({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] })).toEqual(expected)
    expect(toDenseMatrix({ data: [1, 2, 3, 4, 5, 6], shape: [2, 3] })).toEqual(expected)
    expect(toDenseMatrix(new Matrix(rows))).toEqual(expected)
    const leaked = await countLeakedTensorsAsync(async () => {
      const t = tf.tensor2d(rows)
      expect(toDenseMatrix(t)).toEqual(expected)
      expect(await readMatrix(t)).toEqual(expected)
      return t
    })
    expect(leaked).toBe(0)
  })

  it('copies: the caller’s data is never aliased', () => {
    const data = Float64Array.from([1, 2])
    const m = toDenseMatrix({ data, shape: [1, 2] })
    m.data[0] = 99
    expect(data[0]).toBe(1)
  })

  it('throws ShapeMismatchError for ragged, non-2-D or wrongly sized input and NonFiniteError for NaN/Infinity', () => {
    const code = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return isClError(e) ? e.code : 'other'
      }
      return 'none'
    }
    expect(code(() => toDenseMatrix([[1, 2], [3]]))).toBe('CL_SHAPE_MISMATCH')
    expect(code(() => toDenseMatrix({ data: [1, 2, 3], shape: [2, 2] }))).toBe('CL_SHAPE_MISMATCH')
    expect(code(() => toDenseMatrix({ data: [1, 2], shape: [2] }))).toBe('CL_SHAPE_MISMATCH')
    expect(code(() => toDenseMatrix([[1, Infinity]]))).toBe('CL_NON_FINITE')
    const t = tf.tensor1d([1, 2]) as unknown as tf.Tensor2D
    expect(code(() => toDenseMatrix(t))).toBe('CL_SHAPE_MISMATCH')
    t.dispose()
  })

  it('labels: arrays and int32 tensors; non-integers rejected', async () => {
    expect(Array.from(toLabels([0, 2, 1]))).toEqual([0, 2, 1])
    const t = tf.tensor1d([1, 0], 'int32')
    expect(Array.from(toLabels(t))).toEqual([1, 0])
    expect(Array.from(await readLabels(t))).toEqual([1, 0])
    t.dispose()
    expect(() => toLabels([0, -1])).toThrow(/labels/)
    expect(() => toLabels([0.5])).toThrow(/labels/)
  })
})
