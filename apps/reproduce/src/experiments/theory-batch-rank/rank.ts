/**
 * The rank bound of ∂L/∂W for eq. (4) with δ content (derived here; Lemma 6 states rank ≤ M + 1 = N). With
 * δ_i = x_i − x̃_i, −∂L/∂W = W·[(1/N)Σ_i Σ_{j≠i} α_ij (x_i − x_j) x_iᵀ − (1/N)Σ_i (1 − α_ii) δ_i δ_iᵀ] for the paper's
 * gradient (eq. 7), and full autodiff replaces the first term by (1/N)Σ_i Σ_{j≠i} α_ij (x_i − x_j)(x_i − x_j)ᵀ. The
 * column space of the bracket lies in span{x_i − x_j} (N − 1 dims) + span{δ_i}, and with δ content every
 * δ_i = A(z_i − z̃_i) lies in the d_s-dim image of the style latents. Hence, for both kinds,
 *   rank ≤ min(d, N − 1 + min(N, d_s)) = min(d, M + min(M + 1, d_s)).
 */
export function derivedRankBound(dims: number, batchSize: number, styleDims: number): number {
  return Math.min(dims, batchSize - 1 + Math.min(batchSize, styleDims))
}
