import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, assertPositive } from '@cl/core'
import { logSumExp } from './logsumexp.js'
import { selfMask } from './negatives.js'
import { assertMatrix, assertShape } from './validate.js'

/**
 * Wang & Isola (2020) alignment/uniformity metrics on (usually normalised) embeddings — the asymptotic pieces the
 * InfoNCE decomposition align + uniform estimates (cl-ica's `AlignmentLoss` / `UniformityLoss` use the
 * same shapes). Scalars, caller-owned. These are diagnostics; they do not normalise for you.
 */

/** L_align = mean_i ‖f_i − f̃_i‖₂^α (default α = 2). */
export function alignmentLoss(f: tf.Tensor2D, fPositive: tf.Tensor2D, options: { readonly alpha?: number } = {}): tf.Scalar {
  assertMatrix('f', f)
  assertMatrix('fPositive', fPositive)
  assertShape('fPositive', fPositive, f.shape)
  const alpha = options.alpha ?? 2
  assertPositive('alpha', alpha)
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(tf.sub(f, fPositive)), 1)
    return tf.mean(alpha === 2 ? sq : tf.pow(tf.add(sq, 1e-30), alpha / 2)) as tf.Scalar
  })
}

/**
 * L_uniform = log mean_{i≠j} exp(−t ‖f_i − f_j‖²) (default t = 2), a logmeanexp over the N(N − 1) ordered pairs
 * (diagonal masked). Needs N ≥ 2.
 */
export function uniformityLoss(f: tf.Tensor2D, options: { readonly t?: number } = {}): tf.Scalar {
  assertMatrix('f', f)
  const t = options.t ?? 2
  assertPositive('t', t)
  const n = f.shape[0]
  if (n < 2) throw new InvalidConfigError('f', 'at least 2 rows', n)
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(f), 1, true)
    const d = tf.relu(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(tf.matMul(f, f, false, true), 2)))
    const logits = tf.add(tf.mul(d, -t), selfMask(0, n, n))
    return tf.reshape(tf.sub(logSumExp(tf.reshape(logits, [1, n * n])), Math.log(n * (n - 1))), []) as tf.Scalar
  })
}
