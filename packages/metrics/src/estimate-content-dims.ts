import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import { CholeskyDecomposition, Matrix } from 'ml-matrix'
import { symmetricEigenvalues } from './covariance-spectrum.js'
import { toDenseMatrix, type DenseMatrix, type MatrixInput } from './matrix-input.js'
import { singularValuesDense } from './singular-values.js'

/**
 * What {@link estimateContentDims} reads d_c from (Prop. 2, Lemma 7, Appx. C):
 * - `{ align, uniform }`: the InfoNCE gradient split into its alignment and uniformity parts, as d×d matrices in the
 *   representation space (`representationGradients` in `@cl/infonce`; for a linear f = W·x these are (∂L/∂W)·Wᵀ).
 *   For the distance form (eq. 4) they tend to W·Σ_x̃·Wᵀ and −c·W·Σ_x·Wᵀ (Lemma 5), so the generalized eigenvalues
 *   ρ_k of (align, −uniform) are the per-component ratios of conditional to marginal variance, σ_k²/(c·σ_z²), whatever
 *   the (invertible) W: content components have ρ ≈ σ_c²/(cσ_z²) ≪ style ρ ≈ σ_s²/(cσ_z²) (Assum. 4).
 * - `{ conditional, marginal }`: the same from covariances (the M → ∞ limit of Lemma 5): E[(f − f̃)(f − f̃)ᵀ] and
 *   Cov(f). Use this for cosine / dot-product losses, whose uniformity gradient is not negative definite.
 * - `{ gradient }` or `{ singularValues }`: Prop. 2 read literally — the singular values of one gradient matrix, the
 *   content directions having the larger ones. Only meaningful when the gradient is already expressed per latent
 *   component (e.g. W·A_g ≈ I); under a mixing W the split inputs above are invariant and preferred.
 */
export type ContentDimsInput =
  | { readonly align: MatrixInput; readonly uniform: MatrixInput }
  | { readonly conditional: MatrixInput; readonly marginal: MatrixInput }
  | { readonly gradient: MatrixInput }
  | { readonly singularValues: readonly number[] }

export interface EstimateContentDimsOptions {
  /**
   * Smallest log-gap (nats) between consecutive component values that counts as a content/style split; below it the
   * estimate is d_c = 0 (no content). Default ln 4: for the ratio inputs, σ_c/σ_s ≤ 1/2 (ρ ∝ σ²).
   */
  readonly minGap?: number
}

/** The estimate of d_c with the values it was read from (Prop. 2). */
export interface ContentDimsEstimate {
  /** Estimated number of content dimensions d_c (0 when no gap reaches `minGap`). */
  readonly contentDims: number
  /** `'conditional-ratio'` for the split / covariance inputs, `'singular-values'` for a single gradient. */
  readonly method: 'conditional-ratio' | 'singular-values'
  /**
   * The component values, content first: ρ_k ascending (conditional-ratio), or the max-normalised singular values
   * descending (singular-values).
   */
  readonly values: readonly number[]
  /**
   * The whitened gradient spectrum, descending: eigenvalues 1 − ρ_k of Σ^{−½}(Σ − Σ̃)Σ^{−½} (Lemma 7: content
   * components have the larger ones, ≈ 1), or the normalised singular values for a single gradient.
   */
  readonly gradientSpectrum: readonly number[]
  /** gaps[k − 1] = |ln values[k] − ln values[k − 1]|: the evidence for d_c = k, k = 1 … d − 1. */
  readonly gaps: readonly number[]
  /** Confidence margin (nats): the chosen gap minus the largest other gap; when d_c = 0, the largest gap minus `minGap` (< 0). */
  readonly margin: number
  readonly minGap: number
}

const DEFAULT_MIN_GAP = Math.log(4)
/**
 * Values below this fraction of the largest are floored before taking logs: ρ of δ content is 0 up to float32
 * round-off of the representations (≈ 1e-7 relative), and log-gaps inside that residue are noise. A content
 * component with σ_c/σ_s ≥ 1e-3 stays above it.
 */
const FLOOR = 1e-6
/** Ridge added to the marginal, relative to its mean diagonal, before the Cholesky factorisation. */
const RIDGE = 1e-10

function square(field: string, input: MatrixInput): DenseMatrix {
  const m = toDenseMatrix(input, field)
  if (m.shape[0] !== m.shape[1]) throw new ShapeMismatchError(`${field} (must be square)`, [m.shape[0], m.shape[0]], [...m.shape])
  if (m.shape[0] < 2) throw new InvalidConfigError(field, 'a d×d matrix with d ≥ 2', m.shape)
  for (const v of m.data) if (!Number.isFinite(v)) throw new InvalidConfigError(field, 'finite entries', v)
  return m
}

function symmetricPart(m: DenseMatrix, sign: 1 | -1): Matrix {
  const d = m.shape[0]
  const out = new Matrix(d, d)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out.set(i, j, (sign * (m.data[i * d + j]! + m.data[j * d + i]!)) / 2)
  return out
}

/** Generalized eigenvalues ρ of C v = ρ M v (M positive definite), ascending, via M = L·Lᵀ and L⁻¹·C·L⁻ᵀ. */
export function generalizedEigenvalues(conditional: Matrix, marginal: Matrix, marginalField: string): number[] {
  const d = marginal.rows
  let trace = 0
  for (let i = 0; i < d; i++) trace += marginal.get(i, i)
  if (!(trace > 0)) throw new InvalidConfigError(marginalField, 'a positive-definite marginal (for a uniformity gradient: negative definite, as in the distance form eq. 4)', `trace ${trace}`)
  const ridged = marginal.clone()
  for (let i = 0; i < d; i++) ridged.set(i, i, ridged.get(i, i) + (RIDGE * trace) / d)
  const chol = new CholeskyDecomposition(ridged)
  if (!chol.isPositiveDefinite()) {
    throw new InvalidConfigError(marginalField, 'a positive-definite marginal (for a uniformity gradient: negative definite, as in the distance form eq. 4; for cosine losses pass { conditional, marginal } covariances)', 'not positive definite')
  }
  const l = chol.lowerTriangularMatrix
  // X = L⁻¹·C (forward substitution column by column), then L⁻¹·Xᵀ = L⁻¹·C·L⁻ᵀ (C symmetric).
  const solveLower = (b: Matrix): Matrix => {
    const x = new Matrix(d, b.columns)
    for (let c = 0; c < b.columns; c++) {
      for (let i = 0; i < d; i++) {
        let s = b.get(i, c)
        for (let k = 0; k < i; k++) s -= l.get(i, k) * x.get(k, c)
        x.set(i, c, s / l.get(i, i))
      }
    }
    return x
  }
  const w = solveLower(solveLower(conditional).transpose())
  const sym: DenseMatrix = { data: Float64Array.from({ length: d * d }, (_, k) => (w.get(Math.floor(k / d), k % d) + w.get(k % d, Math.floor(k / d))) / 2), shape: [d, d] }
  return symmetricEigenvalues(sym).sort((a, b) => a - b)
}

/** The split with the largest log-gap, if it reaches `minGap`. */
function split(values: readonly number[], minGap: number): { contentDims: number; gaps: number[]; margin: number } {
  const top = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
  const floor = top > 0 ? top * FLOOR : Number.MIN_VALUE
  const logs = values.map((v) => Math.log(Math.max(Math.abs(v), floor)))
  const gaps = logs.slice(1).map((v, k) => Math.abs(v - logs[k]!))
  let best = 0
  for (let k = 1; k < gaps.length; k++) if (gaps[k]! > gaps[best]!) best = k
  const others = gaps.filter((_, k) => k !== best)
  const second = others.length > 0 ? Math.max(...others) : 0
  const found = gaps.length > 0 && gaps[best]! >= minGap
  return { contentDims: found ? best + 1 : 0, gaps, margin: found ? gaps[best]! - second : (gaps[best] ?? 0) - minGap }
}

/**
 * Estimate d_c, the number of content dimensions, from the InfoNCE gradient spectrum (Prop. 2; Lemma 7: the
 * gradients are larger for content components because their conditional variance is smaller, Appx. C eq. 15).
 * d_c is the position of the largest log-gap between consecutive component values (content first), provided it
 * reaches `minGap`; `margin` says by how much it beats the next-largest gap.
 *
 * @example
 * ```ts
 * import { estimateContentDims } from '@cl/metrics'
 * import { lpInfoNce, representationGradients } from '@cl/infonce'
 * const g = representationGradients(z, zPositive, (a, b) => lpInfoNce(a, b, { tau: 2, negatives: 'batch-excluding-self' }))
 * const { contentDims, values, margin } = estimateContentDims(g) // g = { align, uniform, total }
 * ```
 */
export function estimateContentDims(input: ContentDimsInput, options: EstimateContentDimsOptions = {}): ContentDimsEstimate {
  const minGap = options.minGap ?? DEFAULT_MIN_GAP
  if (typeof minGap !== 'number' || !(minGap > 0) || !Number.isFinite(minGap)) throw new InvalidConfigError('minGap', 'a finite number > 0 (nats)', minGap)
  if (typeof input !== 'object' || input === null) throw new InvalidConfigError('input', '{ align, uniform } | { conditional, marginal } | { gradient } | { singularValues }', input)
  if ('align' in input || 'conditional' in input) {
    const [cf, mf] = 'align' in input ? ['align', 'uniform'] : ['conditional', 'marginal']
    const c = square(cf, 'align' in input ? input.align : input.conditional)
    const m = square(mf, 'align' in input ? input.uniform : input.marginal)
    if (m.shape[0] !== c.shape[0]) throw new ShapeMismatchError(mf, [...c.shape], [...m.shape])
    const rho = generalizedEigenvalues(symmetricPart(c, 1), symmetricPart(m, 'align' in input ? -1 : 1), mf)
    const s = split(rho, minGap)
    return { ...s, method: 'conditional-ratio', values: rho, gradientSpectrum: rho.map((r) => 1 - r), minGap }
  }
  let values: number[]
  if ('gradient' in input) {
    values = singularValuesDense(square('gradient', input.gradient))
  } else if ('singularValues' in input) {
    const sv = input.singularValues
    if (!Array.isArray(sv) || sv.length < 2 || sv.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new InvalidConfigError('singularValues', 'an array of ≥ 2 finite numbers ≥ 0', sv)
    }
    values = [...(sv as number[])].sort((a, b) => b - a)
  } else {
    throw new InvalidConfigError('input', '{ align, uniform } | { conditional, marginal } | { gradient } | { singularValues }', Object.keys(input))
  }
  const top = values[0]!
  const normalized = values.map((v) => (top > 0 ? v / top : 0))
  return { ...split(normalized, minGap), method: 'singular-values', values: normalized, gradientSpectrum: normalized, minGap }
}
