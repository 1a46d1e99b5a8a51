import * as tf from '@tensorflow/tfjs'

/**
 * Dot-product logits of the hypersphere form (eq. 1): s_w(a, b) = Σ_k w_k a_k b_k with w = 1/τ. With ℓ2-normalisation
 * the rows are normalised **first** and τ is applied inside the dot product afterwards, so a per-dimension τ is not
 * cancelled by the normalisation (the paper's §3 per-dimension τ). Call inside `tf.tidy`.
 */

/** torch `F.normalize` style: x / max(‖x‖, 1e-12), row-wise; finite gradient at x = 0. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  const sq = tf.sum(tf.square(x), 1, true)
  return tf.mul(x, tf.rsqrt(tf.maximum(sq, 1e-24))) as tf.Tensor2D
}

/** s_w(a_i, b_j) for all pairs, [N, M], as one matmul (a ⊙ w) bᵀ. */
export function pairwiseSimilarity(a: tf.Tensor2D, b: tf.Tensor2D, weights: tf.Tensor): tf.Tensor2D {
  return tf.matMul(tf.mul(a, weights), b, false, true)
}

/** s_w(a_i, b_i) row by row, [N]. */
export function rowwiseSimilarity(a: tf.Tensor2D, b: tf.Tensor2D, weights: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.mul(tf.mul(a, weights), b), 1) as tf.Tensor1D
}
