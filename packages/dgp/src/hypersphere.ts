import { InvalidConfigError, type Rng } from '@cl/core'
import type { LatentSpace } from './latent-space.js'

/** The unit hypersphere Z = S^{d−1} ⊂ R^d with a uniform marginal (§4.1; cl-ica `NSphereSpace`, r = 1). */
export interface Hypersphere extends LatentSpace {
  readonly kind: 'sphere'
}

/** Normalise `v[offset .. offset+len)` in place; returns the norm it had. */
export function normalizeInPlace(v: Float64Array, offset = 0, len = v.length - offset): number {
  let s = 0
  for (let k = 0; k < len; k++) s += (v[offset + k] as number) ** 2
  const norm = Math.sqrt(s)
  if (norm > 0) for (let k = 0; k < len; k++) v[offset + k] = (v[offset + k] as number) / norm
  return norm
}

/** Create the unit sphere S^{dims−1} (dims ≥ 2). Uniform samples are normalised standard normals (cl-ica). */
export function createHypersphere(dims: number): Hypersphere {
  if (!Number.isInteger(dims) || dims < 2) throw new InvalidConfigError('dims', 'an integer >= 2 for the sphere', dims)
  return {
    kind: 'sphere',
    dims,
    sampleMarginal(rng: Rng, n: number): Float64Array {
      const out = new Float64Array(n * dims)
      for (let i = 0; i < n; i++) {
        const offset = i * dims
        // redraw the (probability-zero) all-zero vector instead of dividing by 0
        do {
          for (let k = 0; k < dims; k++) out[offset + k] = rng.normal()
        } while (normalizeInPlace(out, offset, dims) === 0)
      }
      return out
    },
    contains(z: ArrayLike<number>, tolerance = 1e-6): boolean {
      if (z.length !== dims) return false
      let s = 0
      for (let k = 0; k < dims; k++) s += (z[k] as number) ** 2
      return Math.abs(Math.sqrt(s) - 1) <= tolerance
    },
  }
}
