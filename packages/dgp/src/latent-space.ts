import type { Rng } from '@cl/core'

/**
 * A latent space Z with its uniform marginal p(z) (paper §4.1, following cl-ica `spaces.py`).
 * Samples are plain float64, row-major `[n, dims]`, drawn from a seeded {@link Rng} so they are identical on every
 * tfjs backend; tensors are made at the very end (see `createDgp`).
 */
export interface LatentSpace {
  /** `'box'`, `'sphere'`, or a custom name. */
  readonly kind: string
  /** Dimensionality d of the latents. */
  readonly dims: number
  /** n i.i.d. draws from the uniform marginal p(z), row-major `[n, dims]`. */
  sampleMarginal(rng: Rng, n: number): Float64Array
  /** Whether one latent (length `dims`) lies in Z, up to an absolute `tolerance`. */
  contains(z: ArrayLike<number>, tolerance?: number): boolean
}
