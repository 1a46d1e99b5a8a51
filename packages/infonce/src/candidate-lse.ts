import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import { negPairwiseLpDistance } from './distance.js'
import { logSumExp } from './logsumexp.js'
import { selfMask } from './negatives.js'
import { pairwiseLogSumExp, resolveTileSize } from './pairwise-lse.js'
import type { PairwiseForm } from './pairwise-lse-kernel.js'
import { pairwiseSimilarity } from './similarity.js'

/**
 * How a loss computes its N×M part, log Σ_j exp ℓ_ij over each anchor's candidates:
 * - `'fused'` (default): {@link pairwiseLogSumExp} — the prebuilt kernel where one is registered for the backend,
 *   otherwise the tiled stock-op version; never an N×M buffer, memory O((N + M)·d + tileSize²).
 * - `'stock'`: the untiled reference formulation — the full logit matrix (`negPairwiseLpDistance` /
 *   `pairwiseSimilarity`, the self mask) and `logSumExp`. Memory O(N·M), O(N·M·d) for Lp with p ≠ 2.
 */
export type Implementation = 'fused' | 'stock'

/** The loss options shared by every form that choose the implementation. */
export interface ImplementationOptions {
  /** `'fused'` (default) or `'stock'` (the untiled reference formulation). */
  readonly implementation?: Implementation
  /** Rows × columns per tile of the tiled fused path (default 1024); ignored by `'stock'` and by a registered kernel. */
  readonly tileSize?: number
}

/** Option keys of {@link ImplementationOptions}, appended to each loss's key list. */
export const IMPLEMENTATION_OPTION_KEYS = ['implementation', 'tileSize'] as const

/** A validated candidate set: how ℓ is built and which entries are excluded. Internal. */
export interface CandidateSpec {
  readonly form: PairwiseForm
  /** Exponent of the 'lp' form (ignored for 'dot'). */
  readonly p: number
  readonly excludeSelf: boolean
  /** w = 1/τ, a scalar or [d] (owned by the enclosing tidy). */
  readonly weights: tf.Tensor
  readonly implementation: Implementation
  readonly tileSize: number
}

/** Validate the implementation options (typed errors naming the field). */
export function resolveImplementation(options: ImplementationOptions): { implementation: Implementation; tileSize: number } {
  const implementation = options.implementation ?? 'fused'
  if (implementation !== 'fused' && implementation !== 'stock') {
    throw new InvalidConfigError('implementation', "'fused' or 'stock'", implementation)
  }
  return { implementation, tileSize: resolveTileSize(options.tileSize) }
}

/**
 * log Σ_{j ∈ J(i)} exp ℓ(rows_i, candidates_j) for anchor rows [start, start + rows) of the batch, [rows].
 * With `excludeSelf`, j = start + i is excluded (the anchor itself among the candidates). Call inside `tf.tidy`.
 */
export function candidateLogSumExp(rows: tf.Tensor2D, candidates: tf.Tensor2D, start: number, spec: CandidateSpec): tf.Tensor1D {
  if (spec.implementation === 'fused') {
    return pairwiseLogSumExp(
      rows,
      candidates,
      spec.weights,
      { form: spec.form, p: spec.p, excludeSelf: spec.excludeSelf, rowOffset: start },
      { tileSize: spec.tileSize },
    )
  }
  let logits =
    spec.form === 'lp'
      ? negPairwiseLpDistance(rows, candidates, spec.weights, spec.p)
      : pairwiseSimilarity(rows, candidates, spec.weights)
  if (spec.excludeSelf) logits = tf.add(logits, selfMask(start, start + rows.shape[0], candidates.shape[0]))
  return logSumExp(logits) as tf.Tensor1D
}
