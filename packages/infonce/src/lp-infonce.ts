import * as tf from '@tensorflow/tfjs'
import { assertOptionKeys, assertPositive } from '@cl/core'
import { IMPLEMENTATION_OPTION_KEYS, candidateLogSumExp, resolveImplementation, type CandidateSpec, type ImplementationOptions } from './candidate-lse.js'
import { rowwiseLpDistance } from './distance.js'
import { assertNegatives, type Negatives } from './negatives.js'
import { resolveTemperature, type Temperature } from './temperature.js'
import { fullTerms, rowsOf, type InfoNceProblem, type InfoNceTerms } from './terms.js'
import { assertPairedMatrices, checkFiniteInputs, type FiniteCheck } from './validate.js'

/** Options of {@link lpInfoNce}. */
export interface LpInfoNceOptions extends ImplementationOptions {
  /** Scalar or per-output-dimension temperature (default 1, as cl-ica and Table 1). */
  readonly tau?: Temperature
  /** Exponent of ‖·‖_p^p (default 2: squared Euclidean, the paper's box experiments). Any finite p > 0. */
  readonly p?: number
  /** Negative set (default `'batch'`, cl-ica compatible incl. self). */
  readonly negatives?: Negatives
  /** Non-finite input check (default `'auto'`: only outside gradient tapes). */
  readonly checkFinite?: FiniteCheck
}

export const LP_OPTION_KEYS = ['tau', 'p', 'negatives', 'checkFinite', ...IMPLEMENTATION_OPTION_KEYS] as const

/** Validate the inputs and bind them into a row-blockable problem. Creates tensors: call inside `tf.tidy`. Internal. */
export function lpInfoNceProblem(f: tf.Tensor2D, fPositive: tf.Tensor2D, options: LpInfoNceOptions = {}): InfoNceProblem {
  assertOptionKeys('options', options, LP_OPTION_KEYS)
  assertPairedMatrices('f', f, 'fPositive', fPositive)
  const [n, d] = f.shape
  const p = options.p ?? 2
  assertPositive('p', p)
  const negatives = options.negatives ?? 'batch'
  assertNegatives('negatives', negatives, d)
  const { implementation, tileSize } = resolveImplementation(options)
  const { weights, check } = resolveTemperature(options.tau ?? 1, d)
  checkFiniteInputs(options.checkFinite, [['f', f], ['fPositive', fPositive], ['negatives', negatives instanceof tf.Tensor ? negatives : undefined]], check)
  const candidates = negatives instanceof tf.Tensor ? negatives : f
  const spec: CandidateSpec = { form: 'lp', p, excludeSelf: negatives === 'batch-excluding-self', weights, implementation, tileSize }
  return {
    rows: n,
    block(start, end) {
      const a = rowsOf(f, start, end)
      const candidateLse = candidateLogSumExp(a, candidates, start, spec)
      const positive = tf.neg(rowwiseLpDistance(a, rowsOf(fPositive, start, end), weights, p)) as tf.Tensor1D
      return { candidateLse, positive, positiveInLogits: false }
    },
  }
}

/**
 * Lp-InfoNCE on unnormalised representations (Zimmermann et al. 2021, cl-ica `LpSimCLRLoss`; the paper's box
 * experiments §4.1 and eq. 4 with τ = 1, p = 2):
 *   L = mean_i [ d(f_i, f̃_i)/τ + logsumexp( −[d(f_i, n_1), …, d(f_i, n_M), d(f_i, f̃_i)]/τ ) ],  d = ‖·‖_p^p.
 * Per-dimension τ enters inside the distance: d_τ(a, b) = Σ_k |a_k − b_k|^p / τ_k (the paper's
 * different temperatures per dimension, §3).
 * Returns `{ total, align, uniform }` (scalars, caller-owned; total = align + uniform, Table 1).
 */
export function lpInfoNce(f: tf.Tensor2D, fPositive: tf.Tensor2D, options: LpInfoNceOptions = {}): InfoNceTerms {
  return fullTerms(() => lpInfoNceProblem(f, fPositive, options))
}
