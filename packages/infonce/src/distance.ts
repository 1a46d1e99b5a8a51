import * as tf from '@tensorflow/tfjs'

/**
 * Weighted ℓp distances d_w(a, b) = Σ_k w_k |a_k − b_k|^p (‖·‖_p^p, cl-ica `LpSimCLRLoss(pow=True)`) with
 * w = 1/τ (a scalar or one weight per dimension, the paper's §3). Call inside `tf.tidy`.
 */

/** cl-ica adds 1e-12 inside |·| for p < 1, where d|x|^p/dx is unbounded at 0. */
const SMALL_P_EPS = 1e-12

/**
 * −d_w(a_i, b_j) for all pairs, [N, M] — the logits of the distance form.
 * p = 2: matmul form 2·(a ⊙ w)bᵀ − ‖a‖²_w − ‖b‖²_w, clamped ≤ 0 (i.e. d ≥ 0); O(NM) memory, one matmul.
 * Other p: broadcasts a [N, 1, d] − b [1, M, d], so it materialises an [N, M, d] float32 tensor (4·N·M·d bytes,
 * twice that while differentiating): 2048 × 2048 × 10 is 168 MB. Use the chunked evaluation for large N.
 */
export function negPairwiseLpDistance(a: tf.Tensor2D, b: tf.Tensor2D, weights: tf.Tensor, p: number): tf.Tensor2D {
  if (p === 2) {
    const aw = tf.mul(a, weights)
    const normA = tf.sum(tf.mul(aw, a), 1, true) // [N, 1]
    const normB = tf.reshape(tf.sum(tf.mul(tf.mul(b, weights), b), 1), [1, -1]) // [1, M]
    const cross = tf.matMul(tf.mul(aw, 2), b, false, true) // [N, M]
    return tf.minimum(tf.sub(tf.sub(cross, normA), normB), 0) as tf.Tensor2D
  }
  const diff = tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0)) // [N, M, d]
  return tf.neg(tf.sum(tf.mul(powAbs(diff, p), weights), 2)) as tf.Tensor2D
}

/** d_w(a_i, b_i) row by row, [N]. Exact difference form (no cancellation). */
export function rowwiseLpDistance(a: tf.Tensor2D, b: tf.Tensor2D, weights: tf.Tensor, p: number): tf.Tensor1D {
  const diff = tf.sub(a, b)
  return tf.sum(tf.mul(powAbs(diff, p), weights), 1) as tf.Tensor1D
}

function powAbs(diff: tf.Tensor, p: number): tf.Tensor {
  if (p === 2) return tf.square(diff)
  if (p === 1) return tf.abs(diff)
  const abs = p < 1 ? tf.add(tf.abs(diff), SMALL_P_EPS) : tf.abs(diff)
  return tf.pow(abs, p)
}
