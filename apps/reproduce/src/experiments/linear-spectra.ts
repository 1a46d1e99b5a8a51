import { normalizedSingularValues } from '@cl/metrics'
import { matMul } from './matrix.js'

/**
 * The spectra of a trained linear encoder W on a linear DGP x = A·z (Fig. 1 left, §4.1): max-normalised singular values
 * of W (what the paper plots), of W·A (encoder ∘ generator) and of diag(τ^-½)·W·A (the map a per-dimension-τ loss
 * sees), plus W·A itself. float64; `weights` and `generator` are `[out][in]`, `tau` has one entry per output of W.
 */
export function linearSpectra(weights: readonly (readonly number[])[], generator: readonly (readonly number[])[], tau: readonly number[]) {
  const endToEndMatrix = matMul(weights, generator)
  const effective = endToEndMatrix.map((row, i) => row.map((v) => v / Math.sqrt(tau[i]!)))
  return {
    weights: normalizedSingularValues(weights),
    endToEnd: normalizedSingularValues(endToEndMatrix),
    effective: normalizedSingularValues(effective),
    endToEndMatrix,
  }
}
