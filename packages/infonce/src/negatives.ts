import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import { MASK_VALUE } from './logsumexp.js'
import { assertMatrix, assertShape } from './validate.js'

/**
 * Which samples are the negatives of anchor f_i (Lp and cosine forms):
 * - `'batch'` (default, cl-ica compatible): all N anchors **including f_i itself** (cl-ica's `torch.roll(z1, 1, 0)`
 *   trick compares every anchor with every rolled anchor in `main_mlp.py`), plus the positive ⇒ N + 1 logsumexp terms.
 *   This is what Table 1 was computed with.
 * - `'batch-excluding-self'`: the N − 1 other anchors plus the positive ⇒ N terms (eq. 4's Σ_{j≠i}); the diagonal is
 *   masked with a large finite negative.
 * - a tensor [M, d]: the same M explicit negatives for every anchor, plus the positive ⇒ M + 1 terms.
 */
export type Negatives = 'batch' | 'batch-excluding-self' | tf.Tensor2D

/** Validate a `negatives` option against the embedding width d. */
export function assertNegatives(field: string, negatives: unknown, dims: number): asserts negatives is Negatives {
  if (negatives === 'batch' || negatives === 'batch-excluding-self') return
  if (negatives instanceof tf.Tensor) {
    assertMatrix(field, negatives)
    assertShape(field, negatives, [null, dims])
    return
  }
  throw new InvalidConfigError(field, "'batch', 'batch-excluding-self' or a tf.Tensor2D [M, d]", negatives)
}

/**
 * Additive mask for rows [start, end) against `cols` columns: {@link MASK_VALUE} at (i, start + i), 0 elsewhere.
 * Masks each anchor's self-similarity. Constant (no gradient).
 */
export function selfMask(start: number, end: number, cols: number): tf.Tensor2D {
  return tf.tidy(() => {
    if (cols < 2) return tf.fill([end - start, cols], MASK_VALUE) as tf.Tensor2D
    return tf.oneHot(tf.range(start, end, 1, 'int32') as tf.Tensor1D, cols, MASK_VALUE, 0, 'float32') as tf.Tensor2D
  })
}
