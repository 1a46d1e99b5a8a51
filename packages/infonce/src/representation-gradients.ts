import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import type { InfoNceTerms } from './terms.js'
import { assertPairedMatrices } from './validate.js'

/**
 * The gradient of an InfoNCE loss in representation space, per term (Appx. C eq. 6–9): for each of align, uniform and
 * total, G = Σ_i (∂L/∂f_i)·f_iᵀ + (∂L/∂f̃_i)·f̃_iᵀ, a d×d float64 matrix (row-major `number[][]`). For a linear encoder
 * f = W·x this is (∂L/∂W)·Wᵀ, so its spectrum is that of the weight gradient seen through W (Lemma 5: for the
 * distance form, align → W·Σ_x̃·Wᵀ and uniform → −c·W·Σ_x·Wᵀ as M grows). Input of `estimateContentDims` (`@cl/metrics`).
 */
export interface RepresentationGradients {
  readonly align: number[][]
  readonly uniform: number[][]
  /** align + uniform. */
  readonly total: number[][]
  /** N, the rows of the batch. */
  readonly rows: number
}

/**
 * Differentiate `loss(f, fPositive)` — any `@cl/infonce` loss returning `{ total, align, uniform }` — with respect to
 * the representations and project onto them (see {@link RepresentationGradients}). Two backward passes; the gradients
 * and representations are read back synchronously and projected in float64 (O(N·d²) on the CPU). Leaves no tensors
 * behind.
 */
export function representationGradients(
  f: tf.Tensor2D,
  fPositive: tf.Tensor2D,
  loss: (f: tf.Tensor2D, fPositive: tf.Tensor2D) => InfoNceTerms,
): RepresentationGradients {
  assertPairedMatrices('f', f, 'fPositive', fPositive)
  if (typeof loss !== 'function') throw new InvalidConfigError('loss', 'a function (f, fPositive) => { total, align, uniform }', typeof loss)
  const [n, d] = f.shape
  const fData = f.dataSync()
  const fPositiveData = fPositive.dataSync()
  const [align, uniform] = (['align', 'uniform'] as const).map((term) => {
    const [g, gPositive] = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D)[term])([f, fPositive])) as [tf.Tensor, tf.Tensor]
    const gData = g.dataSync()
    const gPositiveData = gPositive.dataSync()
    tf.dispose([g, gPositive])
    // Σ_i g_i f_iᵀ + g̃_i f̃_iᵀ accumulated in float64: with δ content the two sums cancel in the content directions, and a
    // float32 accumulation leaves a residue of ~1e-4 of the style entries there (enough to fake a content/style gap).
    const out = [...Array(d)].map(() => new Array<number>(d).fill(0))
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const ga = gData[i * d + a]!
        const gpa = gPositiveData[i * d + a]!
        const row = out[a]!
        for (let b = 0; b < d; b++) row[b]! += ga * fData[i * d + b]! + gpa * fPositiveData[i * d + b]!
      }
    }
    return out
  }) as [number[][], number[][]]
  const total = align.map((row, i) => row.map((v, j) => v + uniform[i]![j]!))
  return { align, uniform, total, rows: f.shape[0] }
}
