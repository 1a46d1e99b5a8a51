import { InvalidConfigError, NonFiniteError } from '@cl/core'
import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import { columnMeans, type DenseMatrix } from './matrix-input.js'

/** Default relative ridge: λ = 1e-8 on the standardised Gram matrix (unit diagonal): keeps the normal equations of
 * 500-wide layers solvable without changing well-conditioned fits. */
export const DEFAULT_RIDGE = 1e-8

/** Largest relative ridge the solver escalates to before giving up on a matrix that is not positive definite. */
const MAX_RIDGE = 1e-2

export interface LinearRegressionOptions {
  /**
   * Relative ridge penalty on the standardised predictors: the normal equations are solved in coordinates where every
   * centred predictor has unit norm (X_cᵀX_c has a unit diagonal), with λ = ridge added to the
   * diagonal (scale-invariant; the intercept is never penalised). Default {@link DEFAULT_RIDGE}; 0 = plain OLS.
   * If the (ridged) Gram matrix is numerically not positive definite (Cholesky fails or a pivot L_jj² falls below
   * 10·p·ε), the relative ridge is raised (0 → 1e-12, then ×10) until it succeeds, at most to 1e-2;
   * the value used is reported as `ridgeUsed`.
   */
  readonly ridge?: number
}

/** A fitted affine map ŷ = (x − xMean)·coef + yMean, i.e. OLS/ridge with intercept (sklearn `LinearRegression`). */
export interface LinearRegressionFit {
  /** [predictors × targets], row-major. */
  readonly coef: Float64Array
  /** Intercept per target: yMean − xMean·coef. */
  readonly intercept: Float64Array
  readonly predictors: number
  readonly targets: number
  /** The relative ridge actually used (≥ the requested one). */
  readonly ridgeUsed: number
}

/** Rows per chunk of {@link centeredGram}: a 256-row column-major chunk of a 500-wide layer (1 MB) stays in cache. */
const GRAM_CHUNK = 256

/**
 * Xᵀ·X of a row-major [n × p] matrix after subtracting `mean` from every row, as a dense symmetric p×p
 * Float64Array. Plain float64 loops, O(n·p²/2): rows are copied in chunks into a column-major buffer (columns padded
 * to a multiple of 4) and the upper triangle is accumulated in 4×4 register tiles (8 loads per 16 multiply-adds).
 */
export function centeredGram(x: DenseMatrix, mean: Float64Array): Float64Array {
  const [n, p] = x.shape
  const pp = Math.ceil(p / 4) * 4
  const acc = new Float64Array(pp * pp)
  const src = x.data
  const chunk = Math.min(GRAM_CHUNK, Math.max(n, 1))
  const buf = new Float64Array(pp * chunk)
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const len = Math.min(chunk, n - i0)
    buf.fill(0)
    for (let i = 0; i < len; i++) {
      const off = (i0 + i) * p
      for (let a = 0; a < p; a++) buf[a * len + i] = src[off + a]! - mean[a]!
    }
    for (let a = 0; a < pp; a += 4) {
      const a0 = a * len
      const a1 = a0 + len
      const a2 = a1 + len
      const a3 = a2 + len
      for (let b = a; b < pp; b += 4) {
        const b0 = b * len
        const b1 = b0 + len
        const b2 = b1 + len
        const b3 = b2 + len
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0
        let s10 = 0, s11 = 0, s12 = 0, s13 = 0
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0
        let s30 = 0, s31 = 0, s32 = 0, s33 = 0
        for (let i = 0; i < len; i++) {
          const x0 = buf[a0 + i]!
          const x1 = buf[a1 + i]!
          const x2 = buf[a2 + i]!
          const x3 = buf[a3 + i]!
          const y0 = buf[b0 + i]!
          const y1 = buf[b1 + i]!
          const y2 = buf[b2 + i]!
          const y3 = buf[b3 + i]!
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3
          s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3
          s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3
        }
        let o = a * pp + b
        acc[o]! += s00; acc[o + 1]! += s01; acc[o + 2]! += s02; acc[o + 3]! += s03
        o += pp
        acc[o]! += s10; acc[o + 1]! += s11; acc[o + 2]! += s12; acc[o + 3]! += s13
        o += pp
        acc[o]! += s20; acc[o + 1]! += s21; acc[o + 2]! += s22; acc[o + 3]! += s23
        o += pp
        acc[o]! += s30; acc[o + 1]! += s31; acc[o + 2]! += s32; acc[o + 3]! += s33
      }
    }
  }
  const g = new Float64Array(p * p)
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = acc[a * pp + b]!
      g[a * p + b] = v
      g[b * p + a] = v
    }
  }
  return g
}

/** (X − xMean)ᵀ·(Y − yMean) as a row-major [p × k] Float64Array. */
function centeredCross(x: DenseMatrix, xMean: Float64Array, y: DenseMatrix, yMean: Float64Array): Float64Array {
  const [n, p] = x.shape
  const k = y.shape[1]
  const out = new Float64Array(p * k)
  const yc = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) yc[t] = y.data[i * k + t]! - yMean[t]!
    const off = i * p
    for (let a = 0; a < p; a++) {
      const va = x.data[off + a]! - xMean[a]!
      if (va === 0) continue
      const oa = a * k
      for (let t = 0; t < k; t++) out[oa + t]! += va * yc[t]!
    }
  }
  return out
}

/**
 * Fit y ≈ x·coef + intercept by least squares with an (unpenalised) intercept, via centred normal equations
 * (X_cᵀX_c + λI)·coef = X_cᵀY_c solved with ml-matrix's Cholesky. Cost O(n·p² + p³): for n = 10 000, p = 500 no
 * SVD of the data matrix is needed. Same estimator as sklearn `LinearRegression` (ridge = 0) / `Ridge` (ridge > 0,
 * up to the relative scaling of λ), which cl-ica `disentanglement_utils` uses.
 */
export function fitLinearRegression(x: DenseMatrix, y: DenseMatrix, options: LinearRegressionOptions = {}): LinearRegressionFit {
  const ridge = options.ridge ?? DEFAULT_RIDGE
  if (!(ridge >= 0) || !Number.isFinite(ridge)) throw new InvalidConfigError('ridge', 'a finite number ≥ 0', ridge)
  const p = x.shape[1]
  const k = y.shape[1]
  const xMean = columnMeans(x)
  const yMean = columnMeans(y)
  const gram = centeredGram(x, xMean)
  const cross = centeredCross(x, xMean, y, yMean)

  // Solve in standardised coordinates (Jacobi scaling by each predictor's centred norm): OLS is invariant to the
  // scale of a predictor, and this keeps wide layers whose units differ by orders of magnitude well conditioned, so
  // the ridge acts on every unit alike instead of wiping out small-scale (collapsed but informative) directions.
  const norm = new Float64Array(p)
  for (let a = 0; a < p; a++) norm[a] = Math.sqrt(gram[a * p + a]!)
  const pivotFloor = 10 * p * Number.EPSILON

  let rel = ridge
  let solved: Matrix | null = null
  for (;;) {
    const a = new Matrix(p, p)
    for (let i = 0; i < p; i++) {
      const ni = norm[i]!
      for (let j = 0; j < p; j++) {
        const nj = norm[j]!
        a.set(i, j, ni > 0 && nj > 0 ? gram[i * p + j]! / (ni * nj) : 0)
      }
      // a constant predictor gets coefficient 0: an identity row decoupled from the rest
      a.set(i, i, 1 + rel)
    }
    const chol = new CholeskyDecomposition(a)
    if (chol.isPositiveDefinite() && minPivot(chol, p) > pivotFloor) {
      const b = new Matrix(p, k)
      for (let i = 0; i < p; i++) for (let t = 0; t < k; t++) b.set(i, t, norm[i]! > 0 ? cross[i * k + t]! / norm[i]! : 0)
      solved = chol.solve(b)
      break
    }
    if (rel >= MAX_RIDGE) throw new NonFiniteError('linear regression', `normal equations not positive definite even with relative ridge ${rel}`)
    rel = rel === 0 ? 1e-12 : rel * 10
  }

  const coef = new Float64Array(p * k)
  for (let i = 0; i < p; i++) for (let t = 0; t < k; t++) coef[i * k + t] = norm[i]! > 0 ? solved.get(i, t) / norm[i]! : 0
  const intercept = new Float64Array(k)
  for (let t = 0; t < k; t++) {
    let s = yMean[t]!
    for (let a = 0; a < p; a++) s -= xMean[a]! * coef[a * k + t]!
    intercept[t] = s
  }
  for (const v of coef) if (!Number.isFinite(v)) throw new NonFiniteError('linear regression coefficients')
  return { coef, intercept, predictors: p, targets: k, ridgeUsed: rel }
}

function minPivot(chol: CholeskyDecomposition, p: number): number {
  const l = chol.lowerTriangularMatrix
  let min = Infinity
  for (let j = 0; j < p; j++) min = Math.min(min, l.get(j, j) ** 2)
  return min
}

/** ŷ = x·coef + intercept for a fitted model, row-major [n × targets]. */
export function predictLinear(fit: LinearRegressionFit, x: DenseMatrix): DenseMatrix {
  const n = x.shape[0]
  const p = fit.predictors
  const k = fit.targets
  const out = new Float64Array(n * k)
  for (let i = 0; i < n; i++) {
    const o = i * k
    for (let t = 0; t < k; t++) out[o + t] = fit.intercept[t]!
    const off = i * p
    for (let a = 0; a < p; a++) {
      const va = x.data[off + a]!
      if (va === 0) continue
      const ca = a * k
      for (let t = 0; t < k; t++) out[o + t]! += va * fit.coef[ca + t]!
    }
  }
  return { data: out, shape: [n, k] }
}
