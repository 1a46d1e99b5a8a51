import { ShapeMismatchError } from '@cl/core'
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { centeredGram } from './linear-regression.js'
import { columnMeans, toDenseMatrix, type DenseMatrix, type MatrixInput } from './matrix-input.js'

export interface CovarianceSpectrumOptions {
  /** ℓ2-normalise every sample (row) before the covariance, as DirectCLR `spectrum.py` does. Default true. */
  readonly l2Normalize?: boolean
  /**
   * Z-score every dim (after the optional ℓ2 step) so the spectrum is that of the correlation matrix — one reading
   * of the paper's "standardizing the outputs" (§4.2). Constant dims stay 0. Default false.
   */
  readonly standardize?: boolean
}

export interface CovarianceSpectrum {
  /** Eigenvalues of the sample covariance (unbiased, N − 1), descending, clamped at 0 (rounding negatives). */
  readonly eigenvalues: number[]
  /** Natural log of `eigenvalues` (−Infinity for an exactly zero eigenvalue) — what DirectCLR plots vs rank. */
  readonly logEigenvalues: number[]
  /** The covariance matrix itself, [dims × dims]. */
  readonly covariance: DenseMatrix
}

/**
 * Sample covariance (`np.cov(z.T)`, N − 1) of a representation [n × dims], after the optional ℓ2-normalisation of
 * rows and/or per-dim standardisation.
 */
export function covarianceMatrix(representation: MatrixInput, options: CovarianceSpectrumOptions = {}): DenseMatrix {
  const z = toDenseMatrix(representation, 'representation')
  const [n, d] = z.shape
  if (n < 2) throw new ShapeMismatchError('representation (needs ≥ 2 samples)', [2, null], [...z.shape])
  if (options.l2Normalize ?? true) {
    for (let i = 0; i < n; i++) {
      let ss = 0
      for (let j = 0; j < d; j++) ss += z.data[i * d + j]! ** 2
      // F.normalize(eps = 1e-12): x / max(‖x‖, eps)
      const inv = 1 / Math.max(Math.sqrt(ss), 1e-12)
      for (let j = 0; j < d; j++) z.data[i * d + j]! *= inv
    }
  }
  const mean = columnMeans(z)
  const g = centeredGram(z, mean)
  for (let i = 0; i < g.length; i++) g[i]! /= n - 1
  if (options.standardize ?? false) {
    const sd = Array.from({ length: d }, (_, j) => Math.sqrt(g[j * d + j]!))
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const s = sd[a]! * sd[b]!
        g[a * d + b] = s > 0 ? g[a * d + b]! / s : 0
      }
    }
  }
  return { data: g, shape: [d, d] }
}

/** Eigenvalues of a symmetric matrix, descending (ml-matrix EVD with `assumeSymmetric`: Householder + QL). */
export function symmetricEigenvalues(m: DenseMatrix): number[] {
  const d = m.shape[0]
  if (m.shape[1] !== d) throw new ShapeMismatchError('matrix (must be square)', [d, d], [...m.shape])
  if (d === 0) return []
  const mat = new Matrix(d, d)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) mat.set(i, j, m.data[i * d + j]!)
  return new EigenvalueDecomposition(mat, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a)
}

/**
 * Eigenvalue spectrum of a representation's covariance — paper Fig. 2 / §4.2 ("spectrum of the representations'
 * cov."), directclr `spectrum.py` protocol (Jing et al. 2022): optional ℓ2-normalisation of each embedding, covariance
 * (N − 1), eigenvalues sorted descending, and their log. Cost O(n·dims² + dims³) in float64.
 */
export function covarianceSpectrum(representation: MatrixInput, options: CovarianceSpectrumOptions = {}): CovarianceSpectrum {
  const covariance = covarianceMatrix(representation, options)
  const eigenvalues = symmetricEigenvalues(covariance).map((x) => Math.max(0, x))
  return { eigenvalues, logEigenvalues: eigenvalues.map(Math.log), covariance }
}
