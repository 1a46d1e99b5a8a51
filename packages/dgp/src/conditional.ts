import { InvalidConfigError, type ContentStyleSplit, type Rng } from '@cl/core'
import type { Hyperbox } from './hyperbox.js'
import { sampleTruncated, type NoiseKind } from './truncated-normal.js'
import { sampleVmf } from './vmf.js'

/**
 * A conditional p(z̃ | z) of positive pairs (§2: p(z̃|z) = δ(z̃^c − z^c)·p(z̃^s|z^s); Appx. C generalises the δ to a
 * small σ_c). Works on plain float64 rows so that samples are backend-independent.
 */
export interface Conditional {
  /** `'normal'`, `'laplace'`, `'vmf'`, or a custom name. */
  readonly kind: string
  /** z̃ ~ p(z̃ | z) for each of the n rows of `z` (row-major `[n, d]`); returns a new array of the same shape. */
  sample(rng: Rng, z: Float64Array, n: number): Float64Array
}

/**
 * Per-dimension scales of a noise conditional: `sigma` (σ_s) for the style dims and `contentSigma` (σ_c, 0 = δ,
 * i.e. copied exactly) for the content dims. Vectors are given in ascending index order of their dims.
 */
export function conditionalScales(
  split: ContentStyleSplit,
  sigma: number | readonly number[],
  contentSigma: number | readonly number[] = 0,
): Float64Array {
  const dims = split.contentIndices.length + split.styleIndices.length
  const scale = new Float64Array(dims)
  const fill = (indices: readonly number[], value: number | readonly number[], field: string, allowZero: boolean) => {
    if (typeof value !== 'number' && value.length !== indices.length) {
      throw new InvalidConfigError(field, `a number or an array of length ${indices.length}`, value)
    }
    indices.forEach((dim, k) => {
      const s = typeof value === 'number' ? value : (value[k] as number)
      if (!Number.isFinite(s) || s < 0 || (!allowZero && s === 0)) {
        throw new InvalidConfigError(field, allowZero ? 'finite values >= 0' : 'finite values > 0', value)
      }
      scale[dim] = s
    })
  }
  fill(split.styleIndices, sigma, 'conditional.sigma', false)
  fill(split.contentIndices, contentSigma, 'conditional.contentSigma', true)
  return scale
}

function checkRows(z: Float64Array, n: number, dims: number): void {
  if (!Number.isInteger(n) || n < 0 || z.length !== n * dims) {
    throw new InvalidConfigError('z', `a row-major array of ${n} × ${dims} values`, `length ${z.length}`)
  }
}

/**
 * Box conditional (cl-ica `--c-p 2` normal / `--c-p 1` Laplace, `spaces_utils.truncated_rejection_resampling`;
 * content dims fixed as in the paper's §2): every dim k with
 * `scale[k] > 0` is an independent truncated normal/Laplace on [low, high] centred at z_k (element-wise rejection);
 * dims with `scale[k] = 0` are copied exactly (the content δ).
 */
export function createBoxConditional(options: { box: Hyperbox; noise: NoiseKind; scale: ArrayLike<number> }): Conditional {
  const { box, noise } = options
  const scale = Float64Array.from(options.scale)
  const dims = box.dims
  if (scale.length !== dims) throw new InvalidConfigError('conditional.scale', `length ${dims}`, scale.length)
  // float32 round trips may move a point on the boundary by an ulp; allow that, reject real outliers
  const tolerance = 1e-5 * Math.max(1, Math.abs(box.low), Math.abs(box.high))
  return {
    kind: noise,
    sample(rng, z, n) {
      checkRows(z, n, dims)
      const out = new Float64Array(z.length)
      for (let i = 0; i < n; i++) {
        const row = z.subarray(i * dims, (i + 1) * dims)
        if (!box.contains(row, tolerance)) throw new InvalidConfigError(`z[${i}]`, `a point of [${box.low}, ${box.high}]^${dims}`, Array.from(row))
        for (let k = 0; k < dims; k++) {
          const s = scale[k] as number
          const mean = row[k] as number
          out[i * dims + k] = s === 0 ? mean : sampleTruncated(rng, noise, mean, s, box.low, box.high)
        }
      }
      return out
    },
  }
}

function checkSphereRow(row: Float64Array, i: number): void {
  let s = 0
  for (const v of row) s += v * v
  if (!(Math.abs(Math.sqrt(s) - 1) <= 1e-3)) throw new InvalidConfigError(`z[${i}]`, 'a unit-norm point of the sphere', Array.from(row))
}

/**
 * Sphere conditional with normal/Laplace noise, re-projected (cl-ica: sample around the mean in R^d, then divide by
 * the norm). Content/style generalisation: dims with `scale[k] = 0` (the content δ) are held fixed; the remaining
 * part r = z_rest gets the noise and is projected back onto the sphere slice of radius ρ = ‖z_rest‖, so
 * z̃ = (z^c, ρ·(z_rest + ε)/‖z_rest + ε‖) keeps z^c bit-exact and ‖z̃‖ = ‖z‖. With no fixed dims this is exactly
 * cl-ica's full re-projection.
 */
export function createSphereNoiseConditional(options: { dims: number; noise: NoiseKind; scale: ArrayLike<number> }): Conditional {
  const { dims, noise } = options
  const scale = Float64Array.from(options.scale)
  if (scale.length !== dims) throw new InvalidConfigError('conditional.scale', `length ${dims}`, scale.length)
  const rest = Array.from({ length: dims }, (_, k) => k).filter((k) => (scale[k] as number) > 0)
  return {
    kind: noise,
    sample(rng, z, n) {
      checkRows(z, n, dims)
      const out = Float64Array.from(z)
      const moved = new Float64Array(rest.length)
      for (let i = 0; i < n; i++) {
        const offset = i * dims
        checkSphereRow(z.subarray(offset, offset + dims), i)
        let rho2 = 0
        for (const k of rest) rho2 += (z[offset + k] as number) ** 2
        if (rest.length === 0 || rho2 === 0) continue
        let norm2 = 0
        do {
          norm2 = 0
          rest.forEach((k, j) => {
            const s = scale[k] as number
            const v = (z[offset + k] as number) + (noise === 'normal' ? s * rng.normal() : rng.laplace(s))
            moved[j] = v
            norm2 += v * v
          })
        } while (norm2 === 0)
        const factor = Math.sqrt(rho2 / norm2)
        rest.forEach((k, j) => {
          out[offset + k] = (moved[j] as number) * factor
        })
      }
      return out
    },
  }
}

/**
 * Sphere conditional "z^c δ, z^s vMF" (§4.1; the paper leaves the construction open, this
 * is ours):
 * keep z^c, let ρ = ‖z^s‖ (= √(1 − ‖z^c‖²) on the sphere), draw u ~ vMF(z^s/ρ, κ) on S^{d_s−1} (Wood's sampler in
 * dimension d_s) and set z̃^s = ρ·u. Hence z^c is bit-exact, ‖z̃‖ = ‖z‖, and μᵀu has the vMF mean resultant length
 * I_{d_s/2}(κ)/I_{d_s/2−1}(κ). With no content dims this is cl-ica's vMF(z, κ) on S^{d−1}. If ρ = 0 the style part
 * has no direction and stays 0.
 */
export function createSphereVmfConditional(options: { dims: number; kappa: number; split: ContentStyleSplit }): Conditional {
  const { dims, kappa, split } = options
  if (!(kappa > 0) || !Number.isFinite(kappa)) throw new InvalidConfigError('conditional.kappa', 'a finite number > 0', kappa)
  const style = split.styleIndices
  if (split.contentIndices.length + style.length !== dims) {
    throw new InvalidConfigError('split', `content and style indices covering ${dims} dims`, split)
  }
  return {
    kind: 'vmf',
    sample(rng, z, n) {
      checkRows(z, n, dims)
      const out = Float64Array.from(z)
      const mu = new Float64Array(style.length)
      const u = new Float64Array(style.length)
      for (let i = 0; i < n; i++) {
        const offset = i * dims
        checkSphereRow(z.subarray(offset, offset + dims), i)
        let rho2 = 0
        style.forEach((k, j) => {
          const v = z[offset + k] as number
          mu[j] = v
          rho2 += v * v
        })
        if (style.length === 0 || rho2 === 0) continue
        const rho = Math.sqrt(rho2)
        for (let j = 0; j < mu.length; j++) mu[j] = (mu[j] as number) / rho
        sampleVmf(rng, mu, kappa, u)
        style.forEach((k, j) => {
          out[offset + k] = rho * (u[j] as number)
        })
      }
      return out
    },
  }
}
