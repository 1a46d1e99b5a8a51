/**
 * Contract of the fused pairwise log-sum-exp, the N×M part of every InfoNCE form (issue 11).
 *
 * For anchors a [N, d], candidates b [M, d] and weights w [d] (w = 1/τ, a scalar τ broadcast to d entries):
 *   form 'lp':  ℓ_ij = −Σ_k w_k |a_ik − b_jk|^p      (p = 2: squared Euclidean; p < 1 adds 1e-12 inside |·| as cl-ica)
 *   form 'dot': ℓ_ij =  Σ_k w_k a_ik b_jk
 *   lse_i = log Σ_{j ∈ J(i)} exp(ℓ_ij),  J(i) = all j, or all j ≠ i + rowOffset when `excludeSelf`
 * A row with no candidates gets lse_i = MASK_VALUE (−1e9), as the stock formulation's masked row.
 *
 * Forward kernel   {a, b, w}            → [lse [N]]
 * Backward kernel  {a, b, w, lse, dy}   → [da [N, d], db [M, d], dw [d]]   (gradient of Σ_i dy_i · lse_i)
 *   with P_ij = exp(ℓ_ij − lse_i) (softmax of row i over J(i)), G_ij = dy_i · P_ij:
 *   'dot': da = (G b) ⊙ w,  db = (Gᵀ a) ⊙ w,  dw_k = Σ_ij G_ij a_ik b_jk
 *   'lp':  da_ik = −w_k Σ_j G_ij ∂|a_ik − b_jk|^p/∂a_ik,  db = the same with the opposite sign per pair,
 *          dw_k = −Σ_ij G_ij |a_ik − b_jk|^p
 * Memory: O((N + M)·d) plus per-thread tiles; never an N×M buffer.
 *
 * Implementations: a prebuilt wasm-SIMD kernel registered for the 'wasm' and 'cpu' backends (fast path), and a tiled
 * stock-op version for every other backend; the untiled stock formulation (`negPairwiseLpDistance` / `pairwiseSimilarity`
 * + `logSumExp`) is the reference both are tested against.
 */
export const PAIRWISE_LSE_FORWARD = 'ClPairwiseLseForward'
export const PAIRWISE_LSE_BACKWARD = 'ClPairwiseLseBackward'

export type PairwiseForm = 'lp' | 'dot'

/** Kernel attributes (plain numbers/strings/booleans, as tfjs kernel attrs must be). */
export interface PairwiseLseAttrs {
  readonly form: PairwiseForm
  /** Exponent of the 'lp' form (ignored for 'dot'); any finite p > 0. */
  readonly p: number
  /** Drop j = i + rowOffset from row i (NT-Xent and `'batch-excluding-self'`). */
  readonly excludeSelf: boolean
  /** Global index of row 0 of `a` among the candidates (for blocks of rows); 0 for a whole batch. */
  readonly rowOffset: number
}
