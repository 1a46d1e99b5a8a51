import { InvalidConfigError, NonFiniteError } from '@cl/core'

function checkSpectrum(values: readonly number[], field: string): void {
  for (const v of values) if (!Number.isFinite(v) || v < 0) throw new NonFiniteError(field, 'must hold finite values ≥ 0')
}

/**
 * Effective rank (Roy & Vetterli 2007): exp(H(p)) with p_k = s_k / Σ s and H the Shannon entropy (0·log 0 = 0).
 * Pass singular values of a weight matrix, or covariance eigenvalues (then it is the entropy-rank of the variance
 * distribution). d equal values → d; one non-zero value → 1; all zero → 0.
 */
export function effectiveRank(spectrum: readonly number[]): number {
  checkSpectrum(spectrum, 'spectrum')
  const total = spectrum.reduce((s, x) => s + x, 0)
  if (total === 0) return 0
  let h = 0
  for (const x of spectrum) {
    if (x === 0) continue
    const p = x / total
    h -= p * Math.log(p)
  }
  return Math.exp(h)
}

/** Default collapse threshold: a direction whose scale is below 1 % of the largest counts as collapsed. */
export const DEFAULT_COLLAPSE_THRESHOLD = 0.01

export interface CollapsedDimensionsOptions {
  /** Relative threshold on the *scale* (standard-deviation-like) ratio; default 0.01. Must be in (0, 1). */
  readonly threshold?: number
  /**
   * `'singular'` (default): values are singular values / standard deviations, collapsed when s_k / s_max < threshold.
   * `'variance'`: values are covariance eigenvalues λ = s², collapsed when √(λ_k / λ_max) < threshold (i.e.
   * λ_k / λ_max < threshold²), so both kinds of spectrum of the same map agree.
   */
  readonly kind?: 'singular' | 'variance'
}

/**
 * Number of collapsed dimensions of a spectrum: how many values are below `threshold` relative to the largest
 * (see {@link CollapsedDimensionsOptions}). An all-zero spectrum counts as fully collapsed.
 */
export function collapsedDimensions(spectrum: readonly number[], options: CollapsedDimensionsOptions = {}): number {
  checkSpectrum(spectrum, 'spectrum')
  const threshold = options.threshold ?? DEFAULT_COLLAPSE_THRESHOLD
  if (!(threshold > 0 && threshold < 1)) throw new InvalidConfigError('threshold', 'a number in (0, 1)', threshold)
  const kind = options.kind ?? 'singular'
  if (kind !== 'singular' && kind !== 'variance') throw new InvalidConfigError('kind', "'singular' | 'variance'", kind)
  const max = spectrum.reduce((m, x) => Math.max(m, x), 0)
  if (max === 0) return spectrum.length
  const cut = kind === 'singular' ? threshold : threshold * threshold
  return spectrum.filter((x) => x / max < cut).length
}
