import * as tf from '@tensorflow/tfjs'

/**
 * A batch of positive pairs (paper §2): latents z ~ p(z), z̃ ~ p(z̃ | z) and observations x = g(z), x̃ = g(z̃).
 * Each tensor is [batch, dims]; the caller owns them (see {@link disposeBatch}).
 */
export interface PositivePairBatch {
  readonly z: tf.Tensor2D
  readonly zPositive: tf.Tensor2D
  readonly x: tf.Tensor2D
  readonly xPositive: tf.Tensor2D
}

/** Latent-only positive pairs (z, z̃), before the generator g. */
export interface LatentPairs {
  readonly z: tf.Tensor2D
  readonly zPositive: tf.Tensor2D
}

/** Which latent dimensions are content (invariant within a positive pair) and which are style. */
export interface ContentStyleSplit {
  /** Indices of content dimensions z^c, ascending. */
  readonly contentIndices: readonly number[]
  /** Indices of style dimensions z^s, ascending. */
  readonly styleIndices: readonly number[]
}

/** Dispose every tensor of a batch. */
export function disposeBatch(batch: PositivePairBatch | LatentPairs): void {
  tf.dispose(Object.values(batch) as tf.Tensor[])
}
