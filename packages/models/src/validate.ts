import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError, assertIntegerInRange, createRng, type Rng } from '@cl/core'

/** Internal boundary checks shared by the model factories (not exported from the package). */

/** A layer width / dimension: an integer ≥ 1. */
export function assertDim(field: string, value: unknown): asserts value is number {
  assertIntegerInRange(field, value, 1)
}

/** `seed` is either an integer seed for `createRng` or an existing {@link Rng} (e.g. a fork of the run's stream). */
export type SeedLike = number | Rng

/** Resolve a {@link SeedLike} into a stream. */
export function toRng(field: string, seed: unknown): Rng {
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
      throw new InvalidConfigError(field, 'an integer in [0, 2^53 − 1] or an Rng from createRng', seed)
    }
    return createRng(seed)
  }
  if (typeof seed === 'object' && seed !== null && typeof (seed as Rng).fork === 'function' && typeof (seed as Rng).uniform === 'function') {
    return seed as Rng
  }
  throw new InvalidConfigError(field, 'an integer in [0, 2^53 − 1] or an Rng from createRng', seed)
}

/** `x` must be a float32 [batch, width] tensor with at least one row. */
export function assertInput(field: string, x: unknown, width: number): asserts x is tf.Tensor2D {
  if (!(x instanceof tf.Tensor)) throw new InvalidConfigError(field, 'a tf.Tensor2D', x === null ? null : typeof x)
  if (x.rank !== 2 || x.shape[1] !== width || (x.shape[0] ?? 0) < 1) throw new ShapeMismatchError(field, [null, width], x.shape)
  if (x.dtype !== 'float32') throw new InvalidConfigError(`${field}.dtype`, "'float32'", x.dtype)
}
