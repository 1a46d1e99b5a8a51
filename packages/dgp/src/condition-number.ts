import { InvalidConfigError, type Rng } from '@cl/core'
import { Matrix, SVD } from 'ml-matrix'

import { SamplingLimitError } from './errors.js'

/** Number of threshold draws cl-ica uses (`construct_invertible_mlp(..., n_iter_cond_thresh=25000)`). */
export const DEFAULT_THRESHOLD_DRAWS = 25_000

/** Spectral condition number σ_max/σ_min (= `np.linalg.cond`), via ml-matrix's SVD. Infinity for singular input. */
export function conditionNumber(matrix: Matrix | readonly (readonly number[])[]): number {
  const m = matrix instanceof Matrix ? matrix : new Matrix(matrix.map((row) => [...row]))
  const svd = new SVD(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true })
  const s = svd.diagonal
  const max = Math.max(...s)
  const min = Math.min(...s)
  return min > 0 ? max / min : Infinity
}

/**
 * A d×d matrix with i.i.d. U(−1, 1) entries whose columns are scaled to unit L2 norm (cl-ica:
 * `W = U(-1,1)^{n×n}; W /= ‖W‖ over axis 0`). In the PyTorch convention y = W·z the columns are the input dims.
 */
export function drawColumnNormalizedUniform(rng: Rng, dims: number): Matrix {
  const m = new Matrix(dims, dims)
  for (let i = 0; i < dims; i++) for (let j = 0; j < dims; j++) m.set(i, j, rng.uniformRange(-1, 1))
  for (let j = 0; j < dims; j++) {
    let s = 0
    for (let i = 0; i < dims; i++) s += m.get(i, j) ** 2
    const norm = Math.sqrt(s)
    for (let i = 0; i < dims; i++) m.set(i, j, m.get(i, j) / norm)
  }
  return m
}

/**
 * cl-ica's condition-number threshold (`construct_invertible_mlp`): the condition numbers of `draws` column-normalised
 * U(−1,1) matrices, sorted ascending, and the entry at index ⌊draws·ratio⌋. cl-ica calls it with ratio 0
 * (the minimum of 25 000 draws); von Kügelgen et al. use ratio 0.001.
 * Cost: one d×d SVD per draw (≈ 50 µs with the draw at d = 10 on the project machine, so ≈ 1.2 s for 25 000 draws).
 */
export function estimateConditionThreshold(
  rng: Rng,
  dims: number,
  draws = DEFAULT_THRESHOLD_DRAWS,
  ratio = 0,
): { threshold: number; conditionNumbers: Float64Array } {
  if (!Number.isInteger(draws) || draws < 1) throw new InvalidConfigError('generator.thresholdDraws', 'an integer >= 1', draws)
  if (!(ratio >= 0 && ratio < 1)) throw new InvalidConfigError('generator.thresholdRatio', 'a number in [0, 1)', ratio)
  const conds = new Float64Array(draws)
  for (let t = 0; t < draws; t++) conds[t] = conditionNumber(drawColumnNormalizedUniform(rng, dims))
  const sorted = Float64Array.from(conds).sort()
  return { threshold: sorted[Math.floor(draws * ratio)] as number, conditionNumbers: conds }
}

/**
 * Redraw column-normalised U(−1,1) matrices until cond(W) ≤ `threshold` (cl-ica, per mixing layer). With the
 * threshold at the minimum of M draws the expected number of redraws is about M + 1, with a heavy tail
 * (P(more than k) ≈ M/k); `maxDraws` turns a pathological tail into a {@link SamplingLimitError} instead of a hang.
 */
export function drawConditionedMatrix(
  rng: Rng,
  dims: number,
  threshold: number,
  maxDraws = Infinity,
): { matrix: Matrix; conditionNumber: number; draws: number } {
  for (let draws = 1; draws <= maxDraws; draws++) {
    const matrix = drawColumnNormalizedUniform(rng, dims)
    const cond = conditionNumber(matrix)
    if (cond <= threshold) return { matrix, conditionNumber: cond, draws }
  }
  throw new SamplingLimitError(
    'generator layer',
    maxDraws,
    `no ${dims}×${dims} matrix with condition number <= ${threshold} in ${maxDraws} draws; raise generator.maxDrawsPerLayer or change the seed`,
  )
}
