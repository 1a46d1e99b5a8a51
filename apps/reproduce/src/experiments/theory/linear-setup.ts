import type * as tf from '@tensorflow/tfjs'
import { createDgp, type Dgp, type LinearGenerator } from '@cl/dgp'
import { lpInfoNce, type InfoNceTerms } from '@cl/infonce'
import { paperGenerator, type SpaceKind } from '../synthetic.js'

/** Options of {@link theoryLinearDgp}: the paper's linear DGP (§4.1 "Linear DGP", Assum. 1, Appx. C). */
export interface TheoryLinearDgpOptions {
  /** Latent space: uniform on the hyperbox [0,1]^d or on the sphere S^{d−1}. */
  readonly space: SpaceKind
  /** d = D (Assum. 1; the paper's linear experiment: 8). */
  readonly dims: number
  /** d_c: the first d_c latents are content. */
  readonly contentDims: number
  /** σ_s: standard deviation of the normal style conditional (latent units). */
  readonly sigmaStyle: number
  /** σ_c: standard deviation of the content conditional; 0 = δ (the paper's content, §2). Default 0. */
  readonly sigmaContent?: number
  /** Random matrices drawn to set g's condition-number threshold (cl-ica: 25 000). */
  readonly thresholdDraws: number
  readonly seed: number
}

/** The linear DGP with its generator matrix: x = A·z (A = `generator`, PyTorch `[out][in]`), the true encoder is A⁻¹. */
export interface TheoryLinearDgp {
  readonly dgp: Dgp
  /** A (the paper's W_GT⁻¹ in Appx. C eq. 15), `[out][in]`: x_i = Σ_j A_ij z_j. */
  readonly generator: readonly (readonly number[])[]
  /** A⁻¹ (the paper's W_GT: the "optimal", uncollapsed linear encoder). */
  readonly inverse: readonly (readonly number[])[]
}

/**
 * The paper's linear DGP (Assum. 1, §4.1): uniform marginal, δ (or σ_c-normal) content and normal style
 * conditional, cl-ica's condition-controlled linear g. The same g for the same (d, seed, thresholdDraws) as
 * `fig1-spectrum` (g is cached per process).
 */
export function theoryLinearDgp(options: TheoryLinearDgpOptions): TheoryLinearDgp {
  const g = paperGenerator({ kind: 'linear', thresholdDraws: options.thresholdDraws }, options.dims, options.seed) as LinearGenerator
  const dgp = createDgp({
    space: options.space,
    dims: options.dims,
    contentDims: options.contentDims,
    conditional: { kind: 'normal', sigma: options.sigmaStyle, contentSigma: options.sigmaContent ?? 0 },
    generator: g,
    seed: options.seed,
  })
  return { dgp, generator: g.weights, inverse: g.inverseWeights }
}

/**
 * The empirical InfoNCE of Appx. C eq. (4), averaged over anchors instead of summed: per anchor i,
 *   ℓ_i = −log( e^{−‖z_i − z̃_i‖²/2} / ( e^{−‖z_i − z̃_i‖²/2} + Σ_{j≠i} e^{−‖z_i − z_j‖²/2} ) ),
 * i.e. Lp-InfoNCE with p = 2, τ = 2 (our distance form divides ‖·‖² by τ) and the negatives j ≠ i (M = N − 1).
 * The paper's eq. (4) is (M+1)·M times this mean (its outer Σ_i Σ_{j≠i}). Caller owns the returned scalars.
 */
export function eq4Loss(z: tf.Tensor2D, zPositive: tf.Tensor2D): InfoNceTerms {
  return lpInfoNce(z, zPositive, { tau: 2, p: 2, negatives: 'batch-excluding-self' })
}
