import { congruenceDiag, zeros, type Mat } from '../matrix.js'

/** Standard normal density. */
function phi(u: number): number {
  return Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI)
}

/** erf(x) to ~1e-13: the Maclaurin series for |x| < 2.5, the continued fraction of erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x)
  if (ax < 2.5) {
    // Maclaurin series: erf x = 2/√π Σ (−1)^n x^{2n+1} / (n! (2n+1))
    let term = ax
    let sum = ax
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n
      const add = term / (2 * n + 1)
      sum += add
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum
  }
  // erfc x = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated backwards from a fixed depth
  let f = 0
  for (let k = 60; k >= 1; k--) f = (k / 2) / (ax + f)
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f)
  return Math.sign(x) * (1 - erfc)
}

/** Standard normal CDF Φ. */
export function normalCdf(u: number): number {
  return 0.5 * (1 + erf(u / Math.SQRT2))
}

/**
 * E[(z̃ − z)²] for z ~ U[low, high] and z̃ | z a normal N(z, σ²) truncated to [low, high] (the box conditional, cl-ica's
 * rejection resampling). Per z the truncated second moment about the mean z is closed-form,
 *   σ²·(1 + (a·φ(a) − b·φ(b)) / (Φ(b) − Φ(a))),  a = (low − z)/σ, b = (high − z)/σ,
 * and the average over z is a Simpson quadrature (`points` intervals, even).
 */
export function truncatedNormalShiftVariance(sigma: number, low = 0, high = 1, points = 20_000): number {
  if (sigma === 0) return 0
  const h = (high - low) / points
  const at = (z: number) => {
    const a = (low - z) / sigma
    const b = (high - z) / sigma
    return sigma * sigma * (1 + (a * phi(a) - b * phi(b)) / (normalCdf(b) - normalCdf(a)))
  }
  let s = at(low) + at(high)
  for (let k = 1; k < points; k++) s += (k % 2 === 1 ? 4 : 2) * at(low + k * h)
  return (s * h) / 3 / (high - low)
}

/** The population covariances of Appx. C (Lemma 5) for the linear DGP x = A·z on the unit box. */
export interface PopulationCovariances {
  /** Σ_x = Cov(x) = A·diag(σ_z²)·Aᵀ, σ_z² = 1/12 (uniform marginal on [0, 1]). */
  readonly marginal: Mat
  /**
   * Σ_x̃ = E[(x − x̃)(x − x̃)ᵀ] = A·diag(v_c; v_s)·Aᵀ, v = E[(z̃ − z)²] per latent (0 for δ content; slightly below σ²
   * for the box-truncated normal). Off-diagonal latent terms vanish: the shifts are independent given z and have mean 0
   * over the uniform marginal (the truncation bias is odd about the box centre).
   */
  readonly conditional: Mat
  /** σ_z² per latent. */
  readonly latentMarginal: number[]
  /** v per latent (content first). */
  readonly latentConditional: number[]
}

/** Σ_x and Σ_x̃ of the paper's linear box DGP (uniform marginal, truncated-normal conditional, first d_c latents content). */
export function populationCovariances(generator: readonly (readonly number[])[], contentDims: number, sigmaStyle: number, sigmaContent = 0): PopulationCovariances {
  const d = generator.length
  const latentMarginal = new Array<number>(d).fill(1 / 12)
  const vc = truncatedNormalShiftVariance(sigmaContent)
  const vs = truncatedNormalShiftVariance(sigmaStyle)
  const latentConditional = Array.from({ length: d }, (_, k) => (k < contentDims ? vc : vs))
  return { marginal: congruenceDiag(generator, latentMarginal), conditional: congruenceDiag(generator, latentConditional), latentMarginal, latentConditional }
}

/** The batch estimates of the same covariances (the "second reading" of Lemma 5). */
export interface BatchCovariances {
  /** Ŝ_x = 1/(N−1)·Σ_i (x_i − x̄)(x_i − x̄)ᵀ (unbiased). */
  readonly marginal: Mat
  /** Σ̂_x̃ = 1/N·Σ_i (x_i − x̃_i)(x_i − x̃_i)ᵀ. */
  readonly conditional: Mat
}

/** Batch covariance estimates from row-major `[n, d]` float64 arrays. */
export function batchCovariances(x: ArrayLike<number>, xPositive: ArrayLike<number>, n: number, d: number): BatchCovariances {
  const mean = new Array<number>(d).fill(0)
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k]! += x[i * d + k]! / n
  const marginal = zeros(d, d)
  const conditional = zeros(d, d)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) {
      const ck = x[i * d + k]! - mean[k]!
      const dk = x[i * d + k]! - xPositive[i * d + k]!
      for (let l = 0; l < d; l++) {
        marginal[k]![l]! += (ck * (x[i * d + l]! - mean[l]!)) / (n - 1)
        conditional[k]![l]! += (dk * (x[i * d + l]! - xPositive[i * d + l]!)) / n
      }
    }
  }
  return { marginal, conditional }
}
