import { InvalidConfigError } from '@cl/core'
import { Matrix, SingularValueDecomposition } from 'ml-matrix'
import { toDenseMatrix, type DenseMatrix, type MatrixInput } from './matrix-input.js'

/**
 * How a spectrum is normalised.
 * - `'none'`: raw singular values.
 * - `'max'`: divided by the largest (first value is 1; a flat, uncollapsed spectrum is all ones, a collapsed
 *   direction shows up as a value near 0 whatever the width). Our default for Fig. 1 left.
 * - `'sum'`: divided by their sum (values sum to 1; a flat spectrum of width d is 1/d).
 * The paper only says "normalized singular values" (Fig. 1 left), so both are offered.
 */
export type SpectrumNormalization = 'none' | 'max' | 'sum'

export function normalizeSpectrum(values: readonly number[], by: SpectrumNormalization): number[] {
  if (by === 'none') return [...values]
  if (by !== 'max' && by !== 'sum') throw new InvalidConfigError('normalize', "'none' | 'max' | 'sum'", by)
  const denom = by === 'max' ? values.reduce((m, x) => Math.max(m, x), 0) : values.reduce((s, x) => s + x, 0)
  return values.map((x) => (denom > 0 ? x / denom : 0))
}

/** Singular values of a dense matrix, descending (ml-matrix SVD, Golub–Kahan; vectors not computed). */
export function singularValuesDense(m: DenseMatrix): number[] {
  const [rows, cols] = m.shape
  if (rows === 0 || cols === 0) return []
  const mat = new Matrix(rows, cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mat.set(i, j, m.data[i * cols + j]!)
  const svd = new SingularValueDecomposition(mat, {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
    autoTranspose: true,
  })
  return svd.diagonal
    .slice(0, Math.min(rows, cols))
    .map((s) => Math.abs(s))
    .sort((a, b) => b - a)
}

/**
 * Singular values of a weight matrix, descending, min(rows, cols) of them — paper Fig. 1 left. A tfjs
 * dense kernel is Wᵀ ([in, out]); transposing does not change singular values. `normalize` defaults to `'none'`;
 * use {@link normalizedSingularValues} (max-normalised) for the figure.
 */
export function singularValues(weights: MatrixInput, options: { normalize?: SpectrumNormalization } = {}): number[] {
  return normalizeSpectrum(singularValuesDense(toDenseMatrix(weights, 'weights')), options.normalize ?? 'none')
}

/** "Normalized singular values" of Fig. 1 left: divided by the largest (default) or by their sum. */
export function normalizedSingularValues(weights: MatrixInput, by: Exclude<SpectrumNormalization, 'none'> = 'max'): number[] {
  return singularValues(weights, { normalize: by })
}
