import { zeros, type Mat } from '../matrix.js'

/**
 * The gradient ∂L/∂W of the per-anchor mean of Appx. C eq. (4), L = (1/N)·Σ_i ℓ_i with
 *   ℓ_i = ‖z_i − z̃_i‖²/2 + log( e^{−‖z_i − z̃_i‖²/2} + Σ_{j≠i} e^{−‖z_i − z_j‖²/2} ),  z = W·x,
 * in float64, from the closed form of Appx. C eq. (7): with α the softmax weights of row i,
 *   ∂ℓ_i/∂z_i = (1 − α_ii)(z_i − z̃_i) − Σ_{j≠i} α_ij (z_i − z_j),   ∂ℓ_i/∂z̃_i = −(1 − α_ii)(z_i − z̃_i),
 *   ∂ℓ_i/∂z_j = α_ij (z_i − z_j)   (through the negatives; the paper's eq. 7 leaves this term out).
 * `paper` = Σ over the anchor and positive terms only (the negatives held constant, as eq. 7), `full` = all three
 * (what autodiff of eq. 4 gives). An independent oracle for the tfjs gradients and the rank analysis (Lemma 6).
 * `x`, `xPositive`: row-major `[n, d]`; `w`: `[d_out][d]` (z = W·x).
 */
export function eq4GradientF64(w: readonly (readonly number[])[], x: ArrayLike<number>, xPositive: ArrayLike<number>, n: number): { paper: Mat; full: Mat } {
  const dOut = w.length
  const d = w[0]!.length
  const embed = (a: ArrayLike<number>) => {
    const z = new Float64Array(n * dOut)
    for (let i = 0; i < n; i++) for (let o = 0; o < dOut; o++) {
      let s = 0
      for (let k = 0; k < d; k++) s += w[o]![k]! * a[i * d + k]!
      z[i * dOut + o] = s
    }
    return z
  }
  const z = embed(x)
  const zp = embed(xPositive)
  const sq = (a: Float64Array, i: number, b: Float64Array, j: number) => {
    let s = 0
    for (let o = 0; o < dOut; o++) s += (a[i * dOut + o]! - b[j * dOut + o]!) ** 2
    return s
  }
  // dz, dzp: ∂L/∂z_i and ∂L/∂z̃_i (anchor and positive terms); dzNeg: the negatives' term, per row j
  const dz = new Float64Array(n * dOut)
  const dzp = new Float64Array(n * dOut)
  const dzNeg = new Float64Array(n * dOut)
  const logits = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const pos = -sq(z, i, zp, i) / 2
    let max = pos
    for (let j = 0; j < n; j++) if (j !== i) max = Math.max(max, (logits[j] = -sq(z, i, z, j) / 2))
    let total = Math.exp(pos - max)
    for (let j = 0; j < n; j++) if (j !== i) total += Math.exp(logits[j]! - max)
    const aii = Math.exp(pos - max) / total
    for (let o = 0; o < dOut; o++) {
      const diff = z[i * dOut + o]! - zp[i * dOut + o]!
      dz[i * dOut + o]! += ((1 - aii) * diff) / n
      dzp[i * dOut + o]! -= ((1 - aii) * diff) / n
    }
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      const aij = Math.exp(logits[j]! - max) / total
      for (let o = 0; o < dOut; o++) {
        const diff = z[i * dOut + o]! - z[j * dOut + o]!
        dz[i * dOut + o]! -= (aij * diff) / n
        dzNeg[j * dOut + o]! += (aij * diff) / n
      }
    }
  }
  const paper = zeros(dOut, d)
  const full = zeros(dOut, d)
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < dOut; o++) {
      for (let k = 0; k < d; k++) {
        const g = dz[i * dOut + o]! * x[i * d + k]! + dzp[i * dOut + o]! * xPositive[i * d + k]!
        paper[o]![k]! += g
        full[o]![k]! += g + dzNeg[i * dOut + o]! * x[i * d + k]!
      }
    }
  }
  return { paper, full }
}
