import * as tf from '@tensorflow/tfjs'
import { ShapeMismatchError } from '@cl/core'

/**
 * An invertible generator g: Z → X, x = g(z) (§2, §4.1), with its exact inverse g⁻¹. Two paths with the same maths:
 * tfjs tensors (float32, on the current backend) and plain float64 arrays (row-major `[n, dims]`, used by
 * `createDgp` so that sampled batches are bit-identical across backends).
 */
export interface Generator {
  /** `'mlp'`, `'linear'`, `'identity'`, or a custom name. */
  readonly kind: string
  /** Input and output dimensionality d (g is square, §4.1). */
  readonly dims: number
  /** x = g(z) for z of shape [n, dims]; the result is owned by the caller. */
  forward(z: tf.Tensor2D): tf.Tensor2D
  /** z = g⁻¹(x) for x of shape [n, dims]; the result is owned by the caller. */
  inverse(x: tf.Tensor2D): tf.Tensor2D
  /** x = g(z) in float64 on a row-major `[n, dims]` array. */
  forwardArray(z: Float64Array, n: number): Float64Array
  /** z = g⁻¹(x) in float64 on a row-major `[n, dims]` array. */
  inverseArray(x: Float64Array, n: number): Float64Array
}

/** Throw a ShapeMismatchError unless `t` is [n, dims]. */
export function checkRank2(field: string, t: tf.Tensor, dims: number): asserts t is tf.Tensor2D {
  if (t.rank !== 2 || t.shape[1] !== dims) throw new ShapeMismatchError(field, [null, dims], t.shape)
}

/** Whether `value` looks like a {@link Generator} (duck-typed, so copies of this package interoperate). */
export function isGenerator(value: unknown): value is Generator {
  if (typeof value !== 'object' || value === null) return false
  const g = value as Record<string, unknown>
  return (
    Number.isInteger(g.dims) &&
    typeof g.kind === 'string' &&
    ['forward', 'inverse', 'forwardArray', 'inverseArray'].every((k) => typeof g[k] === 'function')
  )
}

/**
 * Build a {@link Generator} from float64 array maps (the extension point for custom generators). Tensor methods not
 * given are derived: read the tensor, apply the array map, upload the result (float32).
 */
export function defineGenerator(spec: {
  kind: string
  dims: number
  forwardArray: (z: Float64Array, n: number) => Float64Array
  inverseArray: (x: Float64Array, n: number) => Float64Array
  forward?: (z: tf.Tensor2D) => tf.Tensor2D
  inverse?: (x: tf.Tensor2D) => tf.Tensor2D
}): Generator {
  const { kind, dims, forwardArray, inverseArray } = spec
  const viaArrays = (map: (a: Float64Array, n: number) => Float64Array) => (t: tf.Tensor2D) => {
    const n = t.shape[0]
    return tf.tensor2d(Float32Array.from(map(Float64Array.from(t.dataSync()), n)), [n, dims])
  }
  const forward = spec.forward ?? viaArrays(forwardArray)
  const inverse = spec.inverse ?? viaArrays(inverseArray)
  return {
    kind,
    dims,
    forward(z) {
      checkRank2('generator.forward(z)', z, dims)
      return forward(z)
    },
    inverse(x) {
      checkRank2('generator.inverse(x)', x, dims)
      return inverse(x)
    },
    forwardArray,
    inverseArray,
  }
}

/** The identity generator x = z (useful for sanity checks such as Table 1's f = g⁻¹ row). */
export function createIdentityGenerator(dims: number): Generator {
  return defineGenerator({
    kind: 'identity',
    dims,
    forwardArray: (z) => Float64Array.from(z),
    inverseArray: (x) => Float64Array.from(x),
    forward: (z) => tf.clone(z),
    inverse: (x) => tf.clone(x),
  })
}
