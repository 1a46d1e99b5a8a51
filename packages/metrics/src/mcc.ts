import { linearSumAssignment } from './hungarian.js'
import { toDenseMatrix, type MatrixInput } from './matrix-input.js'
import { pearsonMatrixDense } from './pearson.js'

export interface MccResult {
  /** Mean absolute Pearson correlation over the matched pairs, in [0, 1]. */
  readonly mcc: number
  /** |corr(z_k, h_π(k))| per matched latent dim, in the order of `latentIndices`. */
  readonly perDim: number[]
  /** Matched latent dims (ascending) and the representation dims matched to them. */
  readonly latentIndices: number[]
  readonly representationIndices: number[]
  /** The full Pearson matrix C[k][j] = corr(z_k, h_j). */
  readonly correlations: number[][]
}

/**
 * Mean correlation coefficient ("permutation disentanglement", cl-ica `disentanglement_utils`, mode 'pearson',
 * solver 'munkres'): C_kj = Pearson corr(z_k, h_j); the Hungarian algorithm picks the one-to-one matching
 * maximising Σ|C_kπ(k)|; MCC = mean_k |C_kπ(k)|. cl-ica's per-column "rescaling" does not change |Pearson| and is
 * omitted. With more representation dims than latents (or fewer) min(d, width) pairs are matched.
 */
export function mccDetailed(latents: MatrixInput, representation: MatrixInput): MccResult {
  const z = toDenseMatrix(latents, 'latents')
  const h = toDenseMatrix(representation, 'representation')
  const correlations = pearsonMatrixDense(z, h)
  const abs = correlations.map((row) => row.map(Math.abs))
  const { rowIndices, colIndices } = linearSumAssignment(abs, { maximize: true })
  const perDim = rowIndices.map((k, i) => abs[k]![colIndices[i]!]!)
  const mcc = perDim.length === 0 ? Number.NaN : perDim.reduce((s, x) => s + x, 0) / perDim.length
  return { mcc, perDim, latentIndices: rowIndices, representationIndices: colIndices, correlations }
}

/** MCC as a number in [0, 1] (see {@link mccDetailed}). `latents` [n × d], `representation` [n × width]. */
export function mcc(latents: MatrixInput, representation: MatrixInput): number {
  return mccDetailed(latents, representation).mcc
}
