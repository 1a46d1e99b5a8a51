import * as tf from '@tensorflow/tfjs'
import type { Encoder } from './encoder.js'

/**
 * [f(x), f(x̃)] for the two views of a batch of positive pairs (the InfoNCE inputs, paper eq. 1). An encoder without
 * batch statistics (no `setTraining`, e.g. the MLPs and linear maps) maps every row on its own, so both views go
 * through one forward pass over the stacked batch: half the kernel calls of two passes, forward and backward, with the
 * same values. Encoders with batch statistics get two passes, so each view is normalised by its own batch.
 */
export function applyToViews(f: Encoder, x: tf.Tensor2D, xPositive: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  if (f.setTraining !== undefined) return [f.apply(x), f.apply(xPositive)]
  return tf.tidy(() => tf.split(f.apply(tf.concat([x, xPositive], 0)), [x.shape[0], xPositive.shape[0]], 0) as [tf.Tensor2D, tf.Tensor2D])
}
