import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, assertOptionKeys } from '@cl/core'
import { IMPLEMENTATION_OPTION_KEYS, candidateLogSumExp, resolveImplementation, type CandidateSpec, type ImplementationOptions } from './candidate-lse.js'
import { l2Normalize, rowwiseSimilarity } from './similarity.js'
import { resolveTemperature, type Temperature } from './temperature.js'
import { fullTerms, rowsOf, type InfoNceProblem, type InfoNceTerms } from './terms.js'
import { assertPairedMatrices, checkFiniteInputs, type FiniteCheck } from './validate.js'

/** Options of {@link ntXent}. */
export interface NtXentOptions extends ImplementationOptions {
  /** Scalar or per-output-dimension temperature (default 0.5, PatrickHua/SimSiam `NT_XentLoss` and lightly). */
  readonly tau?: Temperature
  /** ℓ2-normalise both views first (default true). `false` = Table 2's "w/o norm". */
  readonly normalize?: boolean
  /** Non-finite input check (default `'auto'`: only outside gradient tapes). */
  readonly checkFinite?: FiniteCheck
}

export const NT_XENT_OPTION_KEYS = ['tau', 'normalize', 'checkFinite', ...IMPLEMENTATION_OPTION_KEYS] as const

/** Validate the inputs and bind them into a row-blockable problem (2N anchor rows). Call inside `tf.tidy`. Internal. */
export function ntXentProblem(view1: tf.Tensor2D, view2: tf.Tensor2D, options: NtXentOptions = {}): InfoNceProblem {
  assertOptionKeys('options', options, NT_XENT_OPTION_KEYS)
  assertPairedMatrices('view1', view1, 'view2', view2)
  const [n, d] = view1.shape
  const normalize = options.normalize ?? true
  if (typeof normalize !== 'boolean') throw new InvalidConfigError('normalize', 'a boolean', normalize)
  const { implementation, tileSize } = resolveImplementation(options)
  const { weights, check } = resolveTemperature(options.tau ?? 0.5, d)
  checkFiniteInputs(options.checkFinite, [['view1', view1], ['view2', view2]], check)
  const v1 = normalize ? l2Normalize(view1) : view1
  const v2 = normalize ? l2Normalize(view2) : view2
  const z = tf.concat([v1, v2], 0) // anchors 0..2N−1
  const partner = tf.concat([v2, v1], 0) // positive of anchor i is the other view of the same sample
  // Row i: all 2N samples except itself ⇒ the positive + 2N − 2 negatives, so the uniform term is this lse directly.
  const spec: CandidateSpec = { form: 'dot', p: 1, excludeSelf: true, weights, implementation, tileSize }
  return {
    rows: 2 * n,
    block(start, end) {
      const rows = rowsOf(z, start, end)
      const candidateLse = candidateLogSumExp(rows, z, start, spec)
      const positive = rowwiseSimilarity(rows, rowsOf(partner, start, end), weights)
      return { candidateLse, positive, positiveInLogits: true }
    },
  }
}

/**
 * NT-Xent, the symmetric SimCLR loss (PatrickHua/SimSiam `NT_XentLoss`, lightly `NTXentLoss`; the paper's CIFAR10
 * runs §4.2): 2N anchors (both views), each with the other view as positive and the 2N − 2 remaining
 * samples as negatives; mean over the 2N rows (SimSiam's sum/(2N) = lightly's mean).
 * τ enters as s(a, b) = Σ_k â_k b̂_k / τ_k after normalisation (Table 2's "diff. τ"; applied
 * before normalisation, τ would cancel).
 * Returns `{ total, align, uniform }` (scalars, caller-owned; total = align + uniform).
 */
export function ntXent(view1: tf.Tensor2D, view2: tf.Tensor2D, options: NtXentOptions = {}): InfoNceTerms {
  return fullTerms(() => ntXentProblem(view1, view2, options))
}
