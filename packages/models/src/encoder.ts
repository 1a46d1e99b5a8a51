import type * as tf from '@tensorflow/tfjs'
import type { NamedVariables, SerializedWeights, WeightsInput } from './serialize.js'

/**
 * Anything that owns tf.Variables: weights by local name, trainable list, checkpointing, disposal.
 * Implemented by every model and layer of this package; a future CIFAR ResNet implements it too.
 */
export interface Module {
  /** Engine-global name prefix of this module's variables (`${scope}/${localName}`). */
  readonly scope: string
  /** Every variable (trainable and not, e.g. running statistics) by local name, in a stable order. */
  readonly namedVariables: NamedVariables
  /** Trainable variables, as a fresh array: pass it as `varList` to `tf.variableGrads` / `optimizer.minimize`. */
  readonly trainableVariables: tf.Variable[]
  /** Read the weights back into the JSON-able checkpoint format (syncs with the backend). */
  getWeights(): SerializedWeights
  /** Load weights saved by `getWeights` of a model with the same architecture; validated before anything changes. */
  setWeights(weights: WeightsInput): void
  /** Release every variable (idempotent). The module must not be used afterwards. */
  dispose(): void
}

/**
 * An encoder f: a batch of inputs → a batch of representations [batch, outputDim].
 *
 * Tensor ownership: every returned tensor is new and owned by the caller (dispose it or call inside `tf.tidy`);
 * inputs are never disposed. All intermediate tensors are released (tests assert zero leaks).
 *
 * `applyWithTaps` is the layer-wise analysis hook (paper Fig. 1 middle/right): one [batch, width]
 * tensor per tap, in forward order, named by `tapNames`, with widths `tapWidths`; the last tap equals `apply(x)`.
 * Which tensors are taps is documented per model (MLP: post-activation of each hidden layer, the final linear
 * output, and the normalised output if an output normalisation is configured). A convolutional encoder would
 * expose pooled/flattened [batch, channels] maps so that every tap is a matrix.
 */
export interface Encoder<I extends tf.Tensor = tf.Tensor2D> extends Module {
  /** Per-example input shape (without the batch axis), e.g. [d] for the MLPs. */
  readonly inputShape: readonly number[]
  /** Width of the representation returned by `apply`. */
  readonly outputDim: number
  /** Names of the taps returned by `applyWithTaps`, in order. */
  readonly tapNames: readonly string[]
  /** Widths of the taps returned by `applyWithTaps`, in order. */
  readonly tapWidths: readonly number[]
  /** f(x): [batch, outputDim]. */
  apply(x: I): tf.Tensor2D
  /** Every tap (see above); the last one is f(x). */
  applyWithTaps(x: I): tf.Tensor2D[]
  /**
   * Training / evaluation mode, for encoders with batch statistics (e.g. a ResNet's BatchNorm, a standardisation
   * layer with running statistics). Absent on encoders whose forward pass does not depend on the mode (the MLPs).
   */
  setTraining?(training: boolean): void
}
