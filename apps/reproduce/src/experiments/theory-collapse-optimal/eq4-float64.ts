/**
 * Float64 plain-TS forms of the quantities of Appx. C: eq. (4) per anchor, the encoders W = D·A⁻¹ of Prop. 4 /
 * Corollary 1, and the expected collapsed loss bound. Independent of tfjs (no float32 rounding): the reference the
 * library's float32 loss is compared with, and the only way to follow the collapsed path to s ≫ 10³, where the float32
 * matmul form of ‖z_i − z_j‖² loses the near-neighbour distances (cancellation ∝ ε_32·s²).
 */

/** eq. (4) terms per anchor (mean over i): align = mean ‖z_i − z̃_i‖²/2, uniform = mean log(e^{−‖z_i−z̃_i‖²/2} + Σ_{j≠i} e^{−‖z_i−z_j‖²/2}). */
export interface Eq4Values {
  readonly total: number
  readonly align: number
  readonly uniform: number
}

/** Below this exponent e^x is 0 in float64 (the smallest subnormal is e^{−744.4}): the term is skipped. */
const EXP_UNDERFLOW = -746

/**
 * Appx. C eq. (4), averaged over the N anchors instead of summed (the paper's value is (M+1)·M times this), with the
 * M = N − 1 negatives j ≠ i, τ = 1 in the paper's form ‖·‖²/2 — the same quantity as `eq4Loss` (Lp-InfoNCE, p = 2,
 * τ = 2, 'batch-excluding-self'), in float64 with the exact difference form of every distance.
 * `z`, `zPositive`: row-major [n, d].
 */
export function eq4LossFloat64(z: Float64Array, zPositive: Float64Array, n: number, d: number): Eq4Values {
  let alignSum = 0
  let uniformSum = 0
  for (let i = 0; i < n; i++) {
    const oi = i * d
    let pos = 0
    for (let k = 0; k < d; k++) {
      const t = z[oi + k]! - zPositive[oi + k]!
      pos += t * t
    }
    // one-pass log-sum-exp over [positive, negatives j ≠ i]: running max m and Σ e^{l − m}
    let m = -pos / 2
    let sum = 1
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      const oj = j * d
      let dist = 0
      for (let k = 0; k < d; k++) {
        const t = z[oi + k]! - z[oj + k]!
        dist += t * t
      }
      const l = -dist / 2
      if (l > m) {
        sum = sum * Math.exp(m - l) + 1
        m = l
      } else if (l - m > EXP_UNDERFLOW) sum += Math.exp(l - m)
    }
    alignSum += pos / 2
    uniformSum += m + Math.log(sum)
  }
  const align = alignSum / n
  const uniform = uniformSum / n
  return { total: align + uniform, align, uniform }
}

/** y_r = M·x_r for every row x_r of `rows` (row-major [n, cols]); M is [out][cols]. Returns [n, out]. */
export function applyMatrixRows(m: readonly (readonly number[])[], rows: Float64Array, n: number): Float64Array {
  const out = m.length
  const cols = m[0]?.length ?? 0
  const y = new Float64Array(n * out)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < out; i++) {
      const mi = m[i]!
      let s = 0
      for (let k = 0; k < cols; k++) s += mi[k]! * rows[r * cols + k]!
      y[r * out + i] = s
    }
  }
  return y
}

/** D·M for a diagonal D = diag(scale) (row i of M times scale_i). */
export function scaleRows(scale: readonly number[], m: readonly (readonly number[])[]): number[][] {
  return m.map((row, i) => row.map((v) => scale[i]! * v))
}

/** The two diagonals of the paper's constructions: collapsed D_s = diag(s·1_{d_c}, 0_{d_s}) (Prop. 4) and style-kept diag(s·1_{d_c}, 1_{d_s}) (Corollary 1). */
export function contentScale(kind: 'collapsed' | 'styleKept', s: number, dims: number, contentDims: number): number[] {
  return Array.from({ length: dims }, (_, i) => (i < contentDims ? s : kind === 'collapsed' ? 0 : 1))
}

/** The log grid s_k = min·10^{k/perDecade} up to max (max itself always included). */
export function logGrid(min: number, max: number, perDecade: number): number[] {
  const steps = Math.floor(perDecade * Math.log10(max / min) + 1e-9)
  const grid = Array.from({ length: steps + 1 }, (_, k) => min * 10 ** (k / perDecade))
  if (grid.at(-1)! < max * (1 - 1e-12)) grid.push(max)
  else grid[grid.length - 1] = max
  return grid
}

/**
 * φ(s) = E exp(−s²(c − c′)²/2) for c, c′ ~ U(0, 1) iid (the box's content marginal):
 * 2[√(π/2)·erf(s/√2)/s − (1 − e^{−s²/2})/s²], evaluated by Simpson's rule on the density (1 − |Δ|) of Δ = c − c′
 * (no erf in JS). φ(0) = 1, φ(s) ≈ √(2π)/s for large s.
 */
export function contentKernelMean(s: number, intervals = 4000): number {
  const f = (u: number) => 2 * (1 - u) * Math.exp(-(s * s * u * u) / 2)
  // most of the mass lies in u ≲ 10/s: integrate [0, min(1, 12/s)] finely, the rest is < e^{-72}
  const top = Math.min(1, 12 / Math.max(s, 1e-12))
  const h = top / intervals
  let acc = f(0) + f(top)
  for (let k = 1; k < intervals; k++) acc += (k % 2 === 1 ? 4 : 2) * f(k * h)
  return (acc * h) / 3
}

/**
 * Upper bound on the expected eq. (4) loss along the collapsed path with δ content (the positive term is exactly 0):
 * E_i log(1 + Σ_{j≠i} e^{−s²‖c_i − c_j‖²/2}) ≤ log(1 + M·φ(s)^{d_c}) (Jensen; content dims independent). → 0 as s → ∞,
 * at the rate M·(2π)^{d_c/2}/s^{d_c}: the a-priori reason the infimum 0 of Prop. 4 is approached only slowly for d_c = 1.
 */
export function collapsedLossBound(s: number, negatives: number, contentDims: number): number {
  return Math.log1p(negatives * contentKernelMean(s) ** contentDims)
}
