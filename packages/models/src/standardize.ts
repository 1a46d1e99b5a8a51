import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, assertOptionKeys, assertPositive } from '@cl/core'
import type { Module } from './encoder.js'
import { resolveScope } from './naming.js'
import { ParameterStore } from './parameters.js'
import { assertDim, assertInput } from './validate.js'

/**
 * Output standardisation (paper §4.2: "removing the ℓ2-normalization and standardizing the outputs"). The paper does
 * not define it; our interpretation is per-dimension batch standardisation without learnable
 * parameters — PyTorch's `BatchNorm1d(affine=False)`:
 *
 *   y_ik = (x_ik − μ_k) / √(σ²_k + ε),  μ_k, σ²_k = mean and biased variance of column k over the batch,
 *
 * so on every batch each output dimension has mean 0 and standard deviation ≈ 1 (exactly σ/√(σ² + ε), ε = 1e-8 by default). Gradients
 * flow through μ and σ² as in batch norm. Optionally (`trackRunningStats`) it keeps running estimates like
 * BatchNorm (running_mean ← (1−m)·running_mean + m·μ, running_var ← (1−m)·running_var + m·σ²·n/(n−1); init 0 and 1)
 * as non-trainable variables, updated on every call in training mode and used instead of the batch statistics in
 * evaluation mode (`setTraining(false)`). Without running stats, evaluation mode also uses batch statistics.
 */
export interface StandardizationOptions {
  /** Number of dimensions (columns) to standardise. */
  readonly dims: number
  /**
   * ε added to the variance (default 1e-8: numerical safety only, so the output std is 1 even for the small output
   * variances of a freshly initialised head; PyTorch's BatchNorm uses 1e-5 — pass it to mimic `BatchNorm1d`).
   */
  readonly epsilon?: number
  /** Keep running mean/variance for evaluation mode (default false). */
  readonly trackRunningStats?: boolean
  /** Running-statistics momentum m (default 0.1, PyTorch's). */
  readonly momentum?: number
  /** Variable scope (default: a fresh `standardization_<n>`). */
  readonly name?: string
}

/** Default ε of {@link createStandardization}. */
export const DEFAULT_STANDARDIZATION_EPSILON = 1e-8

/** Local names of the running-statistics variables (only with `trackRunningStats`). */
export const RUNNING_MEAN_NAME = 'running_mean'
export const RUNNING_VAR_NAME = 'running_var'

/** The standardisation layer; see {@link StandardizationOptions}. */
export interface Standardization extends Module {
  readonly dims: number
  readonly epsilon: number
  readonly trackRunningStats: boolean
  /** True (the default) in training mode: batch statistics, running stats updated. */
  readonly training: boolean
  setTraining(training: boolean): void
  /** Standardise x [batch, dims] (batch ≥ 2 when batch statistics are used); a new tensor. */
  apply(x: tf.Tensor2D): tf.Tensor2D
}

/** Create a standardisation layer (no trainable parameters). */
export function createStandardization(options: StandardizationOptions): Standardization {
  const root = 'standardization'
  assertOptionKeys(root, options, ['dims', 'epsilon', 'trackRunningStats', 'momentum', 'name'])
  const { dims } = options
  assertDim(`${root}.dims`, dims)
  const epsilon = options.epsilon ?? DEFAULT_STANDARDIZATION_EPSILON
  assertPositive(`${root}.epsilon`, epsilon)
  const trackRunningStats = options.trackRunningStats ?? false
  if (typeof trackRunningStats !== 'boolean') throw new InvalidConfigError(`${root}.trackRunningStats`, 'a boolean', trackRunningStats)
  const momentum = options.momentum ?? 0.1
  if (typeof momentum !== 'number' || !(momentum > 0 && momentum <= 1)) {
    throw new InvalidConfigError(`${root}.momentum`, 'a number in (0, 1]', momentum)
  }
  const scope = resolveScope(`${root}.name`, options.name, 'standardization')
  const store = new ParameterStore(scope)
  const runningMean = trackRunningStats ? store.add(RUNNING_MEAN_NAME, new Float32Array(dims), [dims], false) : null
  const runningVar = trackRunningStats ? store.add(RUNNING_VAR_NAME, new Float32Array(dims).fill(1), [dims], false) : null
  let training = true

  const apply = (x: tf.Tensor2D): tf.Tensor2D => {
    assertInput('x', x, dims)
    const n = x.shape[0]
    if (!training && runningMean && runningVar) {
      return tf.tidy(() => tf.div(tf.sub(x, runningMean), tf.sqrt(tf.add(runningVar, epsilon))))
    }
    if (n < 2) throw new InvalidConfigError('x.shape[0]', 'a batch of at least 2 rows (batch statistics)', n)
    return tf.tidy(() => {
      const mean = tf.mean(x, 0)
      const centred = tf.sub(x, mean)
      const variance = tf.mean(tf.square(centred), 0)
      if (training && runningMean && runningVar) {
        // Running estimates are statistics, not part of the graph (assign is not recorded on the gradient tape).
        runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)))
        runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * n) / (n - 1))))
      }
      return tf.div(centred, tf.sqrt(tf.add(variance, epsilon)))
    })
  }

  return {
    scope,
    dims,
    epsilon,
    trackRunningStats,
    get training() {
      return training
    },
    setTraining: (flag) => {
      if (typeof flag !== 'boolean') throw new InvalidConfigError('training', 'a boolean', flag)
      training = flag
    },
    get namedVariables() {
      return store.named
    },
    get trainableVariables() {
      return store.trainable()
    },
    apply,
    getWeights: () => store.getWeights(),
    setWeights: (weights) => store.setWeights(weights),
    dispose: () => store.dispose(),
  }
}
