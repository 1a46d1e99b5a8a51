import * as tf from '@tensorflow/tfjs'
import { eq4Loss } from '../theory/linear-setup.js'
import type { Mat } from '../matrix.js'

/** Identity forward, zero backward: the paper's eq. (7) treats the negatives z_j as constants. */
const stopGradient = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0])

/**
 * The per-anchor mean of Appx. C eq. (4) with the negatives behind a stop-gradient (float32): row i's logits are
 * −‖z_i − sg(z_j)‖²/2 for j ≠ i and −‖z_i − z̃_i‖²/2 in place of the diagonal. Its gradient w.r.t. W is the paper's
 * eq. (7): only the anchor z_i and the positive z̃_i carry gradient. Creates tensors: call inside `tf.tidy`.
 */
export function eq4LossStopNegatives(z: tf.Tensor2D, zPositive: tf.Tensor2D): tf.Scalar {
  const n = z.shape[0]
  const negatives = stopGradient(z) as tf.Tensor2D
  const zz = tf.sum(tf.square(z), 1, true)
  const nn = tf.reshape(tf.sum(tf.square(negatives), 1), [1, n])
  const distances = tf.sub(tf.add(zz, nn), tf.mul(2, tf.matMul(z, negatives, false, true)))
  const positive = tf.neg(tf.div(tf.sum(tf.square(tf.sub(z, zPositive)), 1), 2))
  const eye = tf.cast(tf.eye(n), 'bool')
  const logits = tf.where(eye, tf.broadcastTo(tf.reshape(positive, [n, 1]), [n, n]), tf.neg(tf.div(distances, 2)))
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), positive))
}

/** Which derivative of eq. (4): the paper's (negatives constant, eq. 7) or full autodiff (negatives carry gradient). */
export type GradientKind = 'paper' | 'full'
export const GRADIENT_KINDS: readonly GradientKind[] = ['paper', 'full']

/**
 * ∂L/∂W (float32 tfjs autodiff, returned as float64 rows) of the per-anchor mean of eq. (4) for the linear encoder
 * z = W·x on one batch: `paper` through {@link eq4LossStopNegatives}, `full` through `eq4Loss`. `x`, `xPositive`:
 * row-major `[n, d]`; `w`: `[d_out][d]`. Leaves no tensors behind.
 */
export function eq4WeightGradient(w: readonly (readonly number[])[], x: ArrayLike<number>, xPositive: ArrayLike<number>, n: number, kind: GradientKind): Mat {
  const d = w[0]!.length
  return tf.tidy(() => {
    const xt = tf.tensor2d(Float32Array.from(x), [n, d])
    const xpt = tf.tensor2d(Float32Array.from(xPositive), [n, d])
    const wt = tf.tensor2d(w.map((row) => [...row]))
    const embed = (wv: tf.Tensor) => [tf.matMul(xt, wv as tf.Tensor2D, false, true) as tf.Tensor2D, tf.matMul(xpt, wv as tf.Tensor2D, false, true) as tf.Tensor2D] as const
    const grad = tf.grad((wv: tf.Tensor) => (kind === 'paper' ? eq4LossStopNegatives(...embed(wv)) : eq4Loss(...embed(wv)).total))(wt)
    const v = grad.dataSync()
    return w.map((_, o) => Array.from({ length: d }, (_, k) => v[o * d + k]!))
  })
}

/** Both kinds of {@link eq4WeightGradient} on one batch. */
export function eq4GradientsTf(w: readonly (readonly number[])[], x: ArrayLike<number>, xPositive: ArrayLike<number>, n: number): Record<GradientKind, Mat> {
  return { paper: eq4WeightGradient(w, x, xPositive, n, 'paper'), full: eq4WeightGradient(w, x, xPositive, n, 'full') }
}
