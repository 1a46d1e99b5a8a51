import { InvalidConfigError, type Rng } from '@cl/core'
import type { LatentSpace } from './latent-space.js'

/** The hyperbox Z = [low, high]^d with a uniform marginal (§4.1; cl-ica `NBoxSpace`, default [0, 1]). */
export interface Hyperbox extends LatentSpace {
  readonly kind: 'box'
  readonly low: number
  readonly high: number
}

/** Create the hyperbox [low, high]^dims (cl-ica `--box-min 0 --box-max 1`). */
export function createHyperbox(dims: number, low = 0, high = 1): Hyperbox {
  if (!Number.isInteger(dims) || dims < 1) throw new InvalidConfigError('dims', 'an integer >= 1', dims)
  if (!Number.isFinite(low)) throw new InvalidConfigError('box.low', 'a finite number', low)
  if (!Number.isFinite(high) || !(high > low)) throw new InvalidConfigError('box.high', `a finite number > box.low (${low})`, high)
  const width = high - low
  return {
    kind: 'box',
    dims,
    low,
    high,
    // cl-ica: torch.rand(size, n) * (max - min) + min
    sampleMarginal(rng: Rng, n: number): Float64Array {
      const out = new Float64Array(n * dims)
      for (let i = 0; i < out.length; i++) out[i] = low + width * rng.uniform()
      return out
    },
    contains(z: ArrayLike<number>, tolerance = 0): boolean {
      if (z.length !== dims) return false
      for (let k = 0; k < dims; k++) {
        const v = z[k] as number
        if (!(v >= low - tolerance && v <= high + tolerance)) return false
      }
      return true
    },
  }
}
