/**
 * Which p the adjusted R² uses.
 * - `'predictors'` (default, statistically correct for regression from a layer): p = representation width.
 * - `'targets'`: p = number of ground-truth dims, what cl-ica `disentanglement_utils` does (`z.shape[1]`).
 * The paper does not say which p it used.
 */
export type AdjustedR2P = 'predictors' | 'targets'

/**
 * Adjusted R² = 1 − (1 − R²)(n − 1)/(n − p − 1) (Wherry / Ezekiel). Returns NaN when n − p − 1 ≤ 0 (the correction
 * is undefined: at least as many parameters as samples), never throws.
 */
export function adjustR2(r2: number, n: number, p: number): number {
  const dof = n - p - 1
  if (!(dof > 0)) return Number.NaN
  return 1 - ((1 - r2) * (n - 1)) / dof
}
