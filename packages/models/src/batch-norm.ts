import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import type { ParameterStore } from './parameters.js'

/** PyTorch's BatchNorm defaults (`nn.BatchNorm2d(momentum=0.1, eps=1e-5)`). */
export const DEFAULT_BATCH_NORM_MOMENTUM = 0.1
export const DEFAULT_BATCH_NORM_EPSILON = 1e-5

/** Local-name suffixes of a batch-norm layer's variables (`${layer}/gamma`, …). */
export const BATCH_NORM_VARIABLES = ['gamma', 'beta', 'running_mean', 'running_var'] as const

/**
 * Whether a local variable name belongs to a batch-norm layer of this package (γ, β or a running statistic). The
 * reference optimisers exclude BN parameters (and biases) from weight decay and LARS adaptation (PatrickHua/SimSiam
 * `LARS_simclr`, facebookresearch/directclr): pass `(n) => isBatchNormVariable(n) || n.endsWith('/bias')`.
 */
export function isBatchNormVariable(localName: string): boolean {
  const last = localName.slice(localName.lastIndexOf('/') + 1)
  return (BATCH_NORM_VARIABLES as readonly string[]).includes(last) && localName.includes('/')
}

/**
 * 2-D batch normalisation over NHWC inputs with PyTorch `nn.BatchNorm2d` semantics:
 *
 * - training: y = (x − μ)/√(σ² + ε)·γ + β with μ, σ² the batch mean and **biased** variance per channel over
 *   (N, H, W); the running statistics are updated as running ← (1 − m)·running + m·stat, with the **unbiased**
 *   variance σ²·n/(n − 1), n = N·H·W, for running_var;
 * - evaluation: the same with running_mean / running_var in place of μ, σ².
 *
 * γ = 1, β = 0, running_mean = 0, running_var = 1 at init (torchvision's ResNet init). Written with plain tf ops
 * (mean/sub/square/rsqrt) so gradients exist on every backend (no dependence on `tf.batchNorm`'s gradient). The
 * running-statistic update is an `assign` of a value computed from the batch statistics: it does not lie on the path
 * to the loss, so a gradient tape around a training forward pass ignores it (tfjs has no `stopGradient`; nothing is
 * needed), and its intermediates are released by the caller's `tf.tidy`.
 */
export interface BatchNorm2d {
  readonly channels: number
  readonly momentum: number
  readonly epsilon: number
  readonly gamma: tf.Variable<tf.Rank.R1>
  readonly beta: tf.Variable<tf.Rank.R1>
  readonly runningMean: tf.Variable<tf.Rank.R1>
  readonly runningVar: tf.Variable<tf.Rank.R1>
  /** Normalise x [batch, h, w, channels]; in training mode also updates the running statistics. A new tensor. */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D
}

/** Options of {@link createBatchNorm2d}. */
export interface BatchNorm2dOptions {
  readonly channels: number
  readonly momentum: number
  readonly epsilon: number
  /** Whether γ and β are trainable (the running statistics never are). */
  readonly trainable: boolean
  /** Initial γ (default 1; 0 for the zero-init residual of the last BN of a residual branch). */
  readonly gammaInit?: number
}

/** Create `${localName}/gamma`, `/beta` (trainable) and `/running_mean`, `/running_var` (not) in `store`. */
export function createBatchNorm2d(store: ParameterStore, localName: string, options: BatchNorm2dOptions): BatchNorm2d {
  const { channels, momentum, epsilon, trainable } = options
  const gamma = store.add(`${localName}/gamma`, new Float32Array(channels).fill(options.gammaInit ?? 1), [channels], trainable) as tf.Variable<tf.Rank.R1>
  const beta = store.add(`${localName}/beta`, new Float32Array(channels), [channels], trainable) as tf.Variable<tf.Rank.R1>
  const runningMean = store.add(`${localName}/running_mean`, new Float32Array(channels), [channels], false) as tf.Variable<tf.Rank.R1>
  const runningVar = store.add(`${localName}/running_var`, new Float32Array(channels).fill(1), [channels], false) as tf.Variable<tf.Rank.R1>

  const apply = (x: tf.Tensor4D, training: boolean): tf.Tensor4D =>
    tf.tidy(() => {
      if (!training) {
        // y = x·scale + shift with scale = γ/√(running_var + ε), shift = β − running_mean·scale
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(runningVar, epsilon)))
        return tf.add(tf.mul(x, scale), tf.sub(beta, tf.mul(runningMean, scale)))
      }
      const [batch, h, w] = x.shape
      const n = batch * h * w
      if (n < 2) {
        // PyTorch: "Expected more than 1 value per channel when training"
        throw new InvalidConfigError(`${localName}.input`, 'more than one value per channel in training mode (batch·h·w ≥ 2)', x.shape)
      }
      const mean = tf.mean(x, [0, 1, 2])
      const centred = tf.sub(x, mean)
      const variance = tf.mean(tf.square(centred), [0, 1, 2])
      // Running statistics (PyTorch): unbiased variance for running_var. Not on the path to the loss (see above).
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)))
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * n) / (n - 1))))
      return tf.add(tf.mul(centred, tf.mul(tf.rsqrt(tf.add(variance, epsilon)), gamma)), beta)
    })

  return { channels, momentum, epsilon, gamma, beta, runningMean, runningVar, apply }
}
