import { symmetricEigenvalues } from '@cl/metrics'

/** Variance of U(0, 1): σ_z² of the box's uniform marginal (§4.1). */
export const BOX_MARGINAL_VARIANCE = 1 / 12

/**
 * Appx. C eq. (15): [Σ_x − Σ_x̃] = A·diag(σ_z² − σ_c²; σ_z² − σ_s²)·Aᵀ for x = A·z (A = W_GT⁻¹), with σ_c = 0 (δ content),
 * σ_s the style conditional's standard deviation and σ_z² the marginal variance. Closed form, float64, d×d.
 */
export function covarianceGap(a: readonly (readonly number[])[], contentDims: number, sigmaStyle: number, marginalVariance = BOX_MARGINAL_VARIANCE): number[][] {
  const d = a.length
  const lambda = Array.from({ length: d }, (_, k) => marginalVariance - (k < contentDims ? 0 : sigmaStyle ** 2))
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => a[i]!.reduce((s, aik, k) => s + aik * lambda[k]! * a[j]![k]!, 0)))
}

/** Eigenvalues of a symmetric matrix, descending (`@cl/metrics`, float64). */
export function eigenvaluesOf(m: readonly (readonly number[])[]): number[] {
  const d = m.length
  return symmetricEigenvalues({ data: Float64Array.from(m.flat()), shape: [d, d] })
}

