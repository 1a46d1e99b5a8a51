import * as tf from '@tensorflow/tfjs'
import { disposeBatch } from '@cl/core'
import type { Dgp } from '@cl/dgp'
import { representationGradients } from '@cl/infonce'
import { estimateContentDims, type ContentDimsEstimate } from '@cl/metrics'
import type { LinearEncoder } from '@cl/models'
import { eq4Loss } from '../theory/linear-setup.js'

/** The two readings of Prop. 2 on one batch: the ratio of the split gradient and the literal weight-gradient spectrum. */
export interface BatchEstimates {
  /**
   * `estimateContentDims({ align, uniform })`: generalized eigenvalues ρ_k of the eq. 4 gradient split (invariant to W;
   * `representationGradients` projects in float64, so δ content leaves ρ_k at round-off).
   */
  readonly split: ContentDimsEstimate
  /** `estimateContentDims({ gradient: ∂L/∂W })`: Prop. 2 read literally, the singular values of the weight gradient. */
  readonly literal: ContentDimsEstimate
  /** ∂L/∂W of the eq. 4 loss, [out][in] (float32 from tfjs), for checks against the representation gradient. */
  readonly weightGradient: number[][]
  /** (∂L/∂f)·fᵀ + (∂L/∂f̃)·f̃ᵀ of the eq. 4 loss, total (= (∂L/∂W)·Wᵀ for the linear f). */
  readonly representationTotal: number[][]
  /** Per latent component k: the batch mean of (z_k − z̃_k)², the conditional variance the DGP actually realised. */
  readonly conditionalVariance: number[]
}

/** Per component k, the batch mean of (z_k − z̃_k)² (float64 over the float32 latents). */
export function latentConditionalVariance(z: tf.Tensor2D, zPositive: tf.Tensor2D): number[] {
  const [n, d] = z.shape
  const a = z.dataSync()
  const b = zPositive.dataSync()
  const out = new Array<number>(d).fill(0)
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[k]! += (a[i * d + k]! - b[i * d + k]!) ** 2 / n
  return out
}

/**
 * The realised σ_c/σ_s of a batch: √(mean content conditional variance / mean style conditional variance) over the
 * latents (content = the first `contentDims` components). On the sphere the re-projection couples content and style
 * noise once σ_c > 0, so this can exceed the nominal ratio. `null` without content or style.
 */
export function effectiveRatio(conditionalVariance: readonly number[], contentDims: number): number | null {
  const d = conditionalVariance.length
  if (contentDims === 0 || contentDims >= d) return null
  const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length
  const style = mean(conditionalVariance.slice(contentDims))
  return style > 0 ? Math.sqrt(mean(conditionalVariance.slice(0, contentDims)) / style) : null
}

/**
 * ∂L/∂W of eq. 4 (Appx. C eq. 6–9) for the bias-free linear encoder f(x) = W·x on one batch, [out][in]. The encoder's
 * variable is the kernel K = Wᵀ, so ∂L/∂W = (∂L/∂K)ᵀ.
 */
export function weightGradient(f: LinearEncoder, x: tf.Tensor2D, xPositive: tf.Tensor2D): number[][] {
  const kernel = [...f.namedVariables.values()][0]!
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => eq4Loss(f.apply(x) as tf.Tensor2D, f.apply(xPositive) as tf.Tensor2D).total, [kernel])
    value.dispose()
    return (grads[kernel.name]!.transpose() as tf.Tensor2D).arraySync()
  })
}

/**
 * Draw one batch of N positive pairs from `dgp` and estimate d_c from the eq. 4 gradient of the untrained (or given)
 * linear encoder both ways (Prop. 2, Lemma 7). Leaves no tensors behind.
 */
export function estimateOnBatch(f: LinearEncoder, dgp: Dgp, batchSize: number, minGap: number): BatchEstimates {
  const b = dgp.sample(batchSize)
  try {
    const [z, zPositive] = [f.apply(b.x), f.apply(b.xPositive)] as [tf.Tensor2D, tf.Tensor2D]
    let gradients
    try {
      gradients = representationGradients(z, zPositive, eq4Loss)
    } finally {
      tf.dispose([z, zPositive])
    }
    const weight = weightGradient(f, b.x as tf.Tensor2D, b.xPositive as tf.Tensor2D)
    return {
      split: estimateContentDims(gradients, { minGap }),
      literal: estimateContentDims({ gradient: weight }, { minGap }),
      weightGradient: weight,
      representationTotal: gradients.total,
      conditionalVariance: latentConditionalVariance(b.z, b.zPositive),
    }
  } finally {
    disposeBatch(b)
  }
}
