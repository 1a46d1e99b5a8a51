import { NonFiniteError, ShapeMismatchError } from '@cl/core'

/**
 * Mean absolute difference between two normalised spectra of the same length, (1/d)·Σ_k |σ_k(a) − σ_k(b)|, both
 * sorted descending by the caller (as {@link normalizedSingularValues} returns them). Used to compare a spectrum to the
 * uncollapsed d_c = 0 reference (Fig. 1 left: with τ_c < τ_s the spectrum of W matches the d_c = 0 one, §4.1, Prop. 3).
 */
export function spectrumDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) throw new ShapeMismatchError('spectrumDistance(a, b) (equal, non-zero lengths)', [Math.max(a.length, 1)], [b.length])
  let sum = 0
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k]! - b[k]!)
    if (!Number.isFinite(d)) throw new NonFiniteError(`spectrumDistance: entry ${k}`)
    sum += d
  }
  return sum / a.length
}
