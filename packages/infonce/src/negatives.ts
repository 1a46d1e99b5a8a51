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
 * Masks each anchor's self-similarity. Constant (no gradient). Built by comparing index ranges, not with `tf.oneHot`:
 * tfjs-wasm's float32 oneHot writes the on/off values' int32 bits (−1e9 comes out as −916.8, see docs/tfjs-backends.md),
 * and oneHot needs depth ≥ 2.
 */
export function selfMask(start: number, end: number, cols: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = tf.reshape(tf.range(start, end, 1, 'int32'), [end - start, 1])
    const columns = tf.reshape(tf.range(0, cols, 1, 'int32'), [1, cols])
    return tf.mul(tf.cast(tf.equal(rows, columns), 'float32'), MASK_VALUE) as tf.Tensor2D
  })
}
