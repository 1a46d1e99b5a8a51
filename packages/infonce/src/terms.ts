import * as tf from '@tensorflow/tfjs'
import { logSumExp } from './logsumexp.js'

/**
 * Every loss returns its value and Table 1's decomposition L_CL = L_align + L_uniform as scalar tensors owned by the
 * caller. With per-anchor logits ℓ_i· (positive logit ℓ_i⁺ included in the row):
 *   align   = mean_i(−ℓ_i⁺)            (distance form: mean d(f_i, f̃_i)/τ; dot form: −mean f_iᵀf̃_i/τ)
 *   uniform = mean_i logsumexp_j ℓ_ij  (negatives and the positive)
 *   total   = align + uniform          (= mean cross-entropy with the positive as the label)
 * This is cl-ica's `[mean loss_pos, mean loss_neg]` (`losses.py`), which reproduces Table 1's columns.
 */
export type InfoNceTerms = {
  readonly total: tf.Scalar
  readonly align: tf.Scalar
  readonly uniform: tf.Scalar
}

/** The same decomposition as plain numbers (forward-only evaluation, see `evaluateInfoNce`). */
export type InfoNceValues = {
  readonly total: number
  readonly align: number
  readonly uniform: number
  /** Number of anchor rows averaged over (N, or 2N for NT-Xent). */
  readonly rows: number
}

/**
 * The terms of a block of anchor rows [start, end): `candidateLse` is log Σ_j exp ℓ_ij over the row's candidates —
 * the negatives, and for NT-Xent also the positive (`positiveInLogits`), excluded entries left out — computed by the
 * loss's implementation (fused or stock, see `candidate-lse.ts`); `positive` is ℓ_i⁺ per row.
 */
export interface LogitBlock {
  readonly candidateLse: tf.Tensor1D
  readonly positive: tf.Tensor1D
  readonly positiveInLogits: boolean
}

/** A loss instance bound to its inputs: `rows` anchors whose terms can be built block by block. Internal. */
export interface InfoNceProblem {
  readonly rows: number
  block(start: number, end: number): LogitBlock
}

/** Per-row uniform term logsumexp([negatives, positive]) of a block, [rows]. */
export function rowUniform(block: LogitBlock): tf.Tensor1D {
  if (block.positiveInLogits) return block.candidateLse
  // logaddexp(lse_neg, ℓ⁺) as a 2-column logsumexp: exact ties split the gradient ½/½ (unlike max-based forms),
  // and the [rows, M+1] concatenation of the full logit matrix is avoided.
  return logSumExp(tf.stack([block.candidateLse, block.positive], 1)) as tf.Tensor1D
}

/** Reduce a whole-batch block to the three scalar terms. Call inside `tf.tidy`. */
export function termsFromBlock(block: LogitBlock): InfoNceTerms {
  const uniform = tf.mean(rowUniform(block)) as tf.Scalar
  const align = tf.neg(tf.mean(block.positive)) as tf.Scalar
  return { total: tf.add(align, uniform) as tf.Scalar, align, uniform }
}

/** Rows [start, end) of a matrix; the matrix itself when the block is the whole batch (no copy). */
export function rowsOf(x: tf.Tensor2D, start: number, end: number): tf.Tensor2D {
  const n = x.shape[0]
  return start === 0 && end === n ? x : tf.slice(x, [start, 0], [end - start, -1])
}

/** Evaluate a whole problem as one block, inside `tf.tidy`: the forward path of every loss. */
export function fullTerms(build: () => InfoNceProblem): InfoNceTerms {
  return tf.tidy(() => {
    const problem = build()
    return termsFromBlock(problem.block(0, problem.rows))
  })
}
