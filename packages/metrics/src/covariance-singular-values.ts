import { NonFiniteError } from '@cl/core'

/**
 * Normalised singular values of a representation from its covariance eigenvalues (descending, as
 * {@link covarianceSpectrum} returns them): σ_k / σ_max = √(λ_k / λ_max), the spectrum view of collapse (§4.2, Jing et
 * al.) on the same scale as Fig. 1 left. Rounding negatives are clamped at 0. A representation with no variance at all
 * (λ_max = 0, e.g. a constant output) has no direction to normalise by: every value is 0 (not NaN), which reads as
 * "fully collapsed".
 */
export function normalizedCovarianceSingularValues(eigenvalues: readonly number[]): number[] {
  if (eigenvalues.some((x) => !Number.isFinite(x))) throw new NonFiniteError('eigenvalues')
  const top = eigenvalues.reduce((m, x) => Math.max(m, x), 0)
  return eigenvalues.map((x) => (top > 0 ? Math.sqrt(Math.max(x, 0) / top) : 0))
}
