import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError, assertPositive } from '@cl/core'
import { type PositiveTensorCheck } from './validate.js'

/**
 * A temperature τ: a scalar, or one value per output dimension (τ_k; paper §3 "different temperatures for content
 * and style", Prop. 3). Plain numbers/arrays are validated synchronously; a tensor (e.g. a learnable τ, see
 * `createLearnableTemperature`) is differentiable and validated for shape only, its values are checked with the
 * non-finite check.
 */
export type Temperature = number | ArrayLike<number> | tf.Tensor

/** τ turned into multiplicative weights w = 1/τ (a scalar tensor or a [d] vector). Internal. */
export interface ResolvedTemperature {
  /** 1/τ: rank 0 for a scalar τ, [d] for a per-dimension τ. Owned by the enclosing tidy. */
  readonly weights: tf.Tensor
  /** Set when τ is a tensor whose values can only be checked by reading data back. */
  readonly check?: PositiveTensorCheck
}

/**
 * Validate τ against `dims` output dimensions and return w = 1/τ. Creates tensors: call inside `tf.tidy`.
 * Throws InvalidConfigError for τ ≤ 0 / non-finite plain values, ShapeMismatchError for a wrong length.
 */
export function resolveTemperature(tau: Temperature, dims: number, field = 'tau'): ResolvedTemperature {
  if (typeof tau === 'number') {
    assertPositive(field, tau)
    return { weights: tf.scalar(1 / tau) }
  }
  if (tau instanceof tf.Tensor) {
    if (tau.rank === 0 || (tau.rank === 1 && (tau.shape[0] === dims || tau.shape[0] === 1))) {
      if (tau.dtype !== 'float32') throw new InvalidConfigError(`${field}.dtype`, "'float32'", tau.dtype)
      const flat = tau.rank === 1 && tau.shape[0] === 1 && dims !== 1 ? tf.reshape(tau, []) : tau
      return { weights: tf.reciprocal(flat), check: { field, tensor: tau } }
    }
    throw new ShapeMismatchError(field, [dims], tau.shape)
  }
  if (tau === null || typeof tau !== 'object' || typeof (tau as ArrayLike<number>).length !== 'number') {
    throw new InvalidConfigError(field, 'a number > 0, an array of d numbers > 0, or a tf.Tensor', tau)
  }
  const values = Array.from(tau as ArrayLike<number>)
  if (values.length !== dims) throw new ShapeMismatchError(field, [dims], [values.length])
  values.forEach((v, k) => assertPositive(`${field}[${k}]`, v))
  return { weights: tf.tensor1d(values.map((v) => 1 / v)) }
}

/**
 * Prop. 3: with τ_s = 1 the content temperature should be τ_c ∼ √α_c = σ_c/σ_s, where σ_c and σ_s are the
 * standard deviations of the content and style conditionals (content varies less within a positive pair ⇒ τ_c < τ_s).
 * Generalised linearly to τ_s ≠ 1: τ_c = τ_s · σ_c/σ_s (only the ratio τ_c/τ_s matters for an unnormalised
 * encoder, which can absorb a per-dimension scale).
 * A pure δ content conditional (σ_c = 0) gives τ_c = 0, which is not a valid temperature: pick τ_c < τ_s by hand.
 */
export function prop3TauContent(sigmaContent: number, sigmaStyle: number, tauStyle = 1): number {
  assertPositive('sigmaContent', sigmaContent)
  assertPositive('sigmaStyle', sigmaStyle)
  assertPositive('tauStyle', tauStyle)
  return (tauStyle * sigmaContent) / sigmaStyle
}

/** Options of {@link contentStyleTau}: which output dims get τ_c; every other dim gets τ_s. */
export type ContentStyleTauOptions = {
  /** Number of encoder output dimensions d. */
  readonly dims: number
  readonly tauContent: number
  readonly tauStyle: number
} & (
  | { /** Output dims that get τ_c (any order, no duplicates). */ readonly contentIndices: readonly number[]; readonly contentDims?: never }
  | { /** The first `contentDims` output dims get τ_c. */ readonly contentDims: number; readonly contentIndices?: never }
)

/**
 * Build a per-dimension τ vector: τ_c on the content output dims, τ_s elsewhere (§3, Fig. 1 "τ_c < τ_s";
 * §4.2 uses τ = 1 for half of the dims and 0.7 for the rest). τ indexes **encoder output** dims, not
 * ground-truth latents. τ_c > τ_s is allowed (one sentence of the paper's §3 says so, contradicting Fig. 1, §4.1 and
 * Prop. 3: a typo) but not what the paper's experiments use.
 */
export function contentStyleTau(options: ContentStyleTauOptions): number[] {
  const { dims, tauContent, tauStyle } = options
  if (!Number.isInteger(dims) || dims < 1) throw new InvalidConfigError('dims', 'an integer ≥ 1', dims)
  assertPositive('tauContent', tauContent)
  assertPositive('tauStyle', tauStyle)
  let content: readonly number[]
  const raw = options as { readonly contentIndices?: readonly number[]; readonly contentDims?: number }
  if (raw.contentIndices !== undefined && raw.contentDims !== undefined) {
    throw new InvalidConfigError('contentIndices', 'either contentIndices or contentDims, not both', raw.contentIndices)
  }
  if (raw.contentIndices !== undefined) {
    content = raw.contentIndices
    const seen = new Set<number>()
    for (const k of content) {
      if (!Number.isInteger(k) || k < 0 || k >= dims || seen.has(k)) {
        throw new InvalidConfigError('contentIndices', `distinct integers in [0, ${dims - 1}]`, content)
      }
      seen.add(k)
    }
  } else if (raw.contentDims !== undefined) {
    const dc = raw.contentDims
    if (!Number.isInteger(dc) || dc < 0 || dc > dims) throw new InvalidConfigError('contentDims', `an integer in [0, ${dims}]`, dc)
    content = Array.from({ length: dc }, (_, k) => k)
  } else {
    throw new InvalidConfigError('contentIndices', 'contentIndices or contentDims', undefined)
  }
  const tau = new Array<number>(dims).fill(tauStyle)
  for (const k of content) tau[k] = tauContent
  return tau
}
