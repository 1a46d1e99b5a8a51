import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, assertOptionKeys } from '@cl/core'
import { IMPLEMENTATION_OPTION_KEYS, candidateLogSumExp, resolveImplementation, type CandidateSpec, type ImplementationOptions } from './candidate-lse.js'
import { assertNegatives, type Negatives } from './negatives.js'
import { l2Normalize, rowwiseSimilarity } from './similarity.js'
import { resolveTemperature, type Temperature } from './temperature.js'
import { fullTerms, rowsOf, type InfoNceProblem, type InfoNceTerms } from './terms.js'
import { assertPairedMatrices, checkFiniteInputs, type FiniteCheck } from './validate.js'

/** Options of {@link cosineInfoNce}. */
export interface CosineInfoNceOptions extends ImplementationOptions {
  /** Scalar or per-output-dimension temperature (default 1, as cl-ica `SimCLRLoss` and Table 1). */
  readonly tau?: Temperature
  /** ℓ2-normalise f, f̃ and the negatives first (default true). `false` = Table 2's "w/o norm" (raw dot products). */
  readonly normalize?: boolean
  /** Negative set (default `'batch'`, cl-ica compatible incl. self). */
  readonly negatives?: Negatives
  /** Non-finite input check (default `'auto'`: only outside gradient tapes). */
  readonly checkFinite?: FiniteCheck
}

export const COSINE_OPTION_KEYS = ['tau', 'normalize', 'negatives', 'checkFinite', ...IMPLEMENTATION_OPTION_KEYS] as const

/** Validate the inputs and bind them into a row-blockable problem. Creates tensors: call inside `tf.tidy`. Internal. */
export function cosineInfoNceProblem(
  f: tf.Tensor2D,
  fPositive: tf.Tensor2D,
  options: CosineInfoNceOptions = {},
): InfoNceProblem {
  assertOptionKeys('options', options, COSINE_OPTION_KEYS)
  assertPairedMatrices('f', f, 'fPositive', fPositive)
  const [n, d] = f.shape
  const normalize = options.normalize ?? true
  if (typeof normalize !== 'boolean') throw new InvalidConfigError('normalize', 'a boolean', normalize)
  const negatives = options.negatives ?? 'batch'
  assertNegatives('negatives', negatives, d)
  const { implementation, tileSize } = resolveImplementation(options)
  const { weights, check } = resolveTemperature(options.tau ?? 1, d)
  checkFiniteInputs(options.checkFinite, [['f', f], ['fPositive', fPositive], ['negatives', negatives instanceof tf.Tensor ? negatives : undefined]], check)
  const a = normalize ? l2Normalize(f) : f
  const ap = normalize ? l2Normalize(fPositive) : fPositive
  const candidates = negatives instanceof tf.Tensor ? (normalize ? l2Normalize(negatives) : negatives) : a
  const spec: CandidateSpec = { form: 'dot', p: 1, excludeSelf: negatives === 'batch-excluding-self', weights, implementation, tileSize }
  return {
    rows: n,
    block(start, end) {
      const rows = rowsOf(a, start, end)
      const candidateLse = candidateLogSumExp(rows, candidates, start, spec)
      const positive = rowwiseSimilarity(rows, rowsOf(ap, start, end), weights)
      return { candidateLse, positive, positiveInLogits: false }
    },
  }
}

/**
 * InfoNCE on the hypersphere (eq. 1; cl-ica `SimCLRLoss`, the paper's sphere experiments §4.1):
 *   L = mean_i [ −s(f_i, f̃_i) + logsumexp( [s(f_i, n_1), …, s(f_i, n_M), s(f_i, f̃_i)] ) ],
 *   s(a, b) = Σ_k â_k b̂_k / τ_k with â = a/‖a‖ (normalisation first, then τ, so a per-dim τ is not cancelled).
 * Like cl-ica, negatives are compared with the anchor f_i (eq. 1 writes f(x⁻)ᵀf(x̃); the two coincide in distribution).
 * Returns `{ total, align, uniform }` (scalars, caller-owned; total = align + uniform, Table 1).
 */
export function cosineInfoNce(f: tf.Tensor2D, fPositive: tf.Tensor2D, options: CosineInfoNceOptions = {}): InfoNceTerms {
  return fullTerms(() => cosineInfoNceProblem(f, fPositive, options))
}
