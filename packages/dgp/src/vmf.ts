import { InvalidConfigError, type Rng } from '@cl/core'
import { normalizeInPlace } from './hypersphere.js'

/**
 * The cosine w = μᵀz̃ of a von Mises–Fisher draw on S^{p−1} ⊂ R^p (Wood 1994, as in cl-ica `vmf.py`):
 *   m = p − 1, b = m / (√(4κ² + m²) + 2κ), x0 = (1 − b)/(1 + b), c = κ·x0 + m·log(1 − x0²);
 *   repeat ζ ~ Beta(m/2, m/2), w = (1 − (1+b)ζ)/(1 − (1−b)ζ), u ~ U(0,1) until κw + m·log(1 − x0·w) − c ≥ log u.
 * p = 1 (S^0 = {±1}) has no Beta step: w = +1 with probability e^κ/(e^κ + e^{−κ}), else −1.
 */
export function sampleVmfCosine(rng: Rng, p: number, kappa: number): number {
  if (!Number.isInteger(p) || p < 1) throw new InvalidConfigError('dims', 'an integer >= 1', p)
  if (!(kappa > 0) || !Number.isFinite(kappa)) throw new InvalidConfigError('kappa', 'a finite number > 0', kappa)
  if (p === 1) return rng.uniform() < 1 / (1 + Math.exp(-2 * kappa)) ? 1 : -1
  const m = p - 1
  const b = m / (Math.sqrt(4 * kappa * kappa + m * m) + 2 * kappa)
  const x0 = (1 - b) / (1 + b)
  const c = kappa * x0 + m * Math.log(1 - x0 * x0)
  for (;;) {
    const zeta = rng.beta(m / 2, m / 2)
    const w = (1 - (1 + b) * zeta) / (1 - (1 - b) * zeta)
    const u = rng.uniform()
    if (u > 0 && kappa * w + m * Math.log(1 - x0 * w) - c >= Math.log(u)) return w
  }
}

/**
 * One draw z̃ ~ vMF(μ, κ) on S^{p−1}, p = `mean.length`, μ a unit vector (Wood 1994 / cl-ica `vmf.py`):
 * w from {@link sampleVmfCosine}, v a uniform unit vector ⟂ μ (Gram–Schmidt of a standard normal),
 * z̃ = √(1 − w²)·v + w·μ. Writes into `out` (length p) when given.
 */
export function sampleVmf(rng: Rng, mean: ArrayLike<number>, kappa: number, out = new Float64Array(mean.length)): Float64Array {
  const p = mean.length
  const w = sampleVmfCosine(rng, p, kappa)
  if (p === 1) {
    out[0] = w * (mean[0] as number)
    return out
  }
  const v = new Float64Array(p)
  for (;;) {
    let dot = 0
    for (let k = 0; k < p; k++) {
      const e = rng.normal()
      v[k] = e
      dot += e * (mean[k] as number)
    }
    for (let k = 0; k < p; k++) v[k] = (v[k] as number) - dot * (mean[k] as number)
    if (normalizeInPlace(v) > 1e-12) break
  }
  const s = Math.sqrt(Math.max(0, 1 - w * w))
  for (let k = 0; k < p; k++) out[k] = s * (v[k] as number) + w * (mean[k] as number)
  return out
}
