/**
 * Independent float64 closed forms the tests compare samplers against (test-only; not exported from the package).
 * Nothing here calls the package's own samplers.
 */

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
export function erf(x: number): number {
  const s = Math.sign(x)
  const a = Math.abs(x)
  const t = 1 / (1 + 0.3275911 * a)
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a)
  return s * y
}

const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2))
const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)

/** Mean and std of N(mu, sigma²) truncated to [a, b] (standard closed form via φ and Φ). */
export function truncatedNormalMoments(mu: number, sigma: number, a: number, b: number): { mean: number; std: number } {
  const al = (a - mu) / sigma
  const be = (b - mu) / sigma
  const Z = Phi(be) - Phi(al)
  const r = (phi(al) - phi(be)) / Z
  const variance = sigma * sigma * (1 + (al * phi(al) - be * phi(be)) / Z - r * r)
  return { mean: mu + sigma * r, std: Math.sqrt(variance) }
}

/**
 * vMF mean resultant length on S^{p−1}: A_p(κ) = I_{p/2}(κ)/I_{p/2−1}(κ), by the power series
 * I_ν(κ) = Σ_k (κ/2)^{2k+ν}/(k! Γ(k+ν+1)), normalised so that no Gamma function is needed:
 * T_ν = Σ_k (κ²/4)^k Γ(ν+1)/(k! Γ(k+ν+1)) and I_ν/I_{ν−1} = (κ/2)·T_ν/(ν·T_{ν−1}).
 */
export function besselRatio(p: number, kappa: number): number {
  const series = (nu: number) => {
    let term = 1
    let sum = 1
    for (let k = 0; k < 1000; k++) {
      term *= (kappa * kappa) / 4 / ((k + 1) * (k + nu + 1))
      sum += term
      if (term < 1e-17 * sum) break
    }
    return sum
  }
  const nu = p / 2
  return ((kappa / 2) * series(nu)) / (nu * series(nu - 1))
}

/** Sample mean and (n − 1) std. */
export function moments(xs: ArrayLike<number>): { mean: number; std: number } {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i] as number
  const mean = s / xs.length
  let v = 0
  for (let i = 0; i < xs.length; i++) v += ((xs[i] as number) - mean) ** 2
  return { mean, std: Math.sqrt(v / (xs.length - 1)) }
}

/** Float64 y = W·x for each row x of Z (PyTorch convention, W[out][in]), written out by hand. */
export function matVecRows64(w: readonly (readonly number[])[], z: ArrayLike<number>, n: number): Float64Array {
  const d = w.length
  const out = new Float64Array(n * d)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      let s = 0
      for (let j = 0; j < d; j++) s += (w[i]?.[j] as number) * (z[r * d + j] as number)
      out[r * d + i] = s
    }
  }
  return out
}
