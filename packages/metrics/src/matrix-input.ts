import { NonFiniteError, ShapeMismatchError } from '@cl/core'
import type * as tf from '@tensorflow/tfjs'
import { AbstractMatrix } from 'ml-matrix'

/**
 * A row-major float64 matrix: `data[i * cols + j]` is row i, column j. Every metric converts its inputs to this
 * once (a copy), so the caller's arrays and tensors are never modified or disposed.
 */
export interface DenseMatrix {
  readonly data: Float64Array
  readonly shape: readonly [rows: number, cols: number]
}

/** A flat typed (or plain) array with an explicit `[rows, cols]` shape, row-major. */
export interface ShapedArray {
  readonly data: Float32Array | Float64Array | readonly number[]
  readonly shape: readonly [rows: number, cols: number] | readonly number[]
}

/**
 * Anything the metrics accept as an `[samples, dims]` matrix:
 * - `number[][]` (rows of equal length),
 * - a {@link ShapedArray} / {@link DenseMatrix} (`{ data, shape }`, row-major),
 * - an ml-matrix `Matrix`,
 * - a `tf.Tensor2D` — read synchronously with `dataSync()`, never disposed (the caller owns it). On async backends
 *   (webgl, webgpu) prefer `await readMatrix(tensor)` first: it reads with `await tensor.data()` and returns a
 *   {@link DenseMatrix} you can pass to every metric.
 */
export type MatrixInput = readonly (readonly number[])[] | ShapedArray | AbstractMatrix | tf.Tensor2D

/** Anything the readouts accept as a label vector: integers in [0, K). A `tf.Tensor1D` is read with `dataSync()`. */
export type LabelInput = ArrayLike<number> | tf.Tensor1D

interface TensorLike {
  readonly shape: readonly number[]
  dataSync(): ArrayLike<number>
  data(): Promise<ArrayLike<number>>
}

/** Duck-typed (a second tfjs copy in the app would defeat `instanceof`). */
function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { dataSync?: unknown }).dataSync === 'function' &&
    typeof (x as { data?: unknown }).data === 'function' &&
    Array.isArray((x as { shape?: unknown }).shape)
  )
}

function isShapedArray(x: unknown): x is ShapedArray {
  return typeof x === 'object' && x !== null && 'data' in x && 'shape' in x && Array.isArray((x as ShapedArray).shape)
}

function checkFinite(data: Float64Array, field: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new NonFiniteError(field, `contains NaN or Infinity (flat index ${i})`)
  }
}

function fromFlat(data: ArrayLike<number>, shape: readonly number[], field: string): DenseMatrix {
  if (shape.length !== 2) throw new ShapeMismatchError(field, [null, null], [...shape])
  const rows = shape[0]!
  const cols = shape[1]!
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || data.length !== rows * cols) {
    throw new ShapeMismatchError(`${field} (data.length ${data.length})`, [rows, cols], [data.length])
  }
  const out = Float64Array.from(data)
  checkFinite(out, field)
  return { data: out, shape: [rows, cols] }
}

/**
 * Convert any {@link MatrixInput} to a float64 {@link DenseMatrix} (always a fresh copy). Throws
 * `ShapeMismatchError` for ragged or non-2-D input and `NonFiniteError` for NaN/±Infinity.
 */
export function toDenseMatrix(input: MatrixInput, field = 'matrix'): DenseMatrix {
  if (isTensorLike(input)) return fromFlat(input.dataSync(), input.shape, field)
  if (input instanceof AbstractMatrix) {
    const rows = input.rows
    const cols = input.columns
    const out = new Float64Array(rows * cols)
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = input.get(i, j)
    checkFinite(out, field)
    return { data: out, shape: [rows, cols] }
  }
  if (isShapedArray(input)) return fromFlat(input.data, input.shape, field)
  if (Array.isArray(input)) {
    const rowsArr = input as readonly (readonly number[])[]
    const rows = rowsArr.length
    const cols = rows === 0 ? 0 : rowsArr[0]!.length
    const out = new Float64Array(rows * cols)
    for (let i = 0; i < rows; i++) {
      const row = rowsArr[i]!
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new ShapeMismatchError(`${field}[${i}]`, [cols], [])
      if (row.length !== cols) throw new ShapeMismatchError(`${field}[${i}]`, [cols], [row.length])
      for (let j = 0; j < cols; j++) out[i * cols + j] = row[j]!
    }
    checkFinite(out, field)
    return { data: out, shape: [rows, cols] }
  }
  throw new ShapeMismatchError(field, [null, null], [])
}

/**
 * Async reader: like {@link toDenseMatrix} but reads a `tf.Tensor2D` with `await tensor.data()` (does not block
 * webgl/webgpu). The tensor is not disposed.
 */
export async function readMatrix(input: MatrixInput, field = 'matrix'): Promise<DenseMatrix> {
  if (isTensorLike(input)) return fromFlat(await input.data(), input.shape, field)
  return toDenseMatrix(input, field)
}

/** Convert labels to an Int32Array of class indices; every label must be an integer ≥ 0. */
export function toLabels(input: LabelInput, field = 'labels'): Int32Array {
  let values: ArrayLike<number>
  if (isTensorLike(input)) {
    if (input.shape.length !== 1) throw new ShapeMismatchError(field, [null], [...input.shape])
    values = input.dataSync()
  } else {
    values = input
  }
  const out = new Int32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isInteger(v) || v < 0) throw new NonFiniteError(field, `must hold integer class indices ≥ 0 (index ${i} is ${v})`)
    out[i] = v
  }
  return out
}

/** Async variant of {@link toLabels} (reads tensors with `await data()`). */
export async function readLabels(input: LabelInput, field = 'labels'): Promise<Int32Array> {
  if (isTensorLike(input)) {
    if (input.shape.length !== 1) throw new ShapeMismatchError(field, [null], [...input.shape])
    return toLabels(await input.data(), field)
  }
  return toLabels(input, field)
}

/** Require `a` and `b` to have the same number of rows (samples). */
export function assertSameRows(a: DenseMatrix, b: DenseMatrix, fieldB: string): void {
  if (a.shape[0] !== b.shape[0]) throw new ShapeMismatchError(fieldB, [a.shape[0], null], [...b.shape])
}

/** Rows `indices` of `m`, as a new matrix. */
export function selectRows(m: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const cols = m.shape[1]
  const out = new Float64Array(indices.length * cols)
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r]! * cols
    out.set(m.data.subarray(src, src + cols), r * cols)
  }
  return { data: out, shape: [indices.length, cols] }
}

/** Column means of a row-major matrix. */
export function columnMeans(m: DenseMatrix): Float64Array {
  const [rows, cols] = m.shape
  const mean = new Float64Array(cols)
  for (let i = 0; i < rows; i++) {
    const off = i * cols
    for (let j = 0; j < cols; j++) mean[j]! += m.data[off + j]!
  }
  if (rows > 0) for (let j = 0; j < cols; j++) mean[j]! /= rows
  return mean
}
