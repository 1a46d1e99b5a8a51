import type { Rng } from '@cl/core'

import { SamplingLimitError } from './errors.js'

/** Noise families of the box/sphere conditionals (cl-ica `--c-p 2` normal, `--c-p 1` Laplace). */
export type NoiseKind = 'normal' | 'laplace'

/** Default cap on rejection rounds for one coordinate before giving up (a guard against hangs, not a tuning knob). */
export const DEFAULT_MAX_REJECTIONS = 1_000_000

/**
 * One draw from `mean + scale·ε` (ε standard normal, or Laplace with scale 1) truncated to [low, high] by rejection:
 * redraw until the value lands in the closed interval. This is cl-ica's element-wise rejection resampling
 * (`spaces_utils.truncated_rejection_resampling`): the result is the exact truncated distribution
 * centred at `mean` with the untruncated scale — NOT `tf.truncatedNormal`, which cuts at ±2σ and ignores the box.
 *
 * For `'laplace'`, `scale` is the Laplace scale b (std √2·b), as `torch.distributions.Laplace(0, b)` in cl-ica.
 * Throws a {@link SamplingLimitError} after `maxRejections` misses (only when `mean` lies far outside the interval).
 */
export function sampleTruncated(
  rng: Rng,
  kind: NoiseKind,
  mean: number,
  scale: number,
  low: number,
  high: number,
  maxRejections = DEFAULT_MAX_REJECTIONS,
): number {
  for (let t = 0; t < maxRejections; t++) {
    const v = mean + (kind === 'normal' ? scale * rng.normal() : rng.laplace(scale))
    if (v >= low && v <= high) return v
  }
  throw new SamplingLimitError(
    `truncated ${kind}`,
    maxRejections,
    `truncated ${kind}: no draw in [${low}, ${high}] after ${maxRejections} tries (mean ${mean}, scale ${scale}); is the mean inside the box?`,
  )
}

/** {@link sampleTruncated} for the normal family: TruncNormal_[low, high](mean, sigma²). */
export function sampleTruncatedNormal(rng: Rng, mean: number, sigma: number, low: number, high: number): number {
  return sampleTruncated(rng, 'normal', mean, sigma, low, high)
}
