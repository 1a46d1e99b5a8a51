import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'

/**
 * Hidden-layer non-linearity of the MLPs. The reference encoder uses PyTorch's `nn.LeakyReLU()` (negative slope
 * 0.01, cl-ica `encoders.get_mlp`), so `'leakyRelu'` always passes the slope explicitly: tfjs' own defaults differ
 * (`tf.leakyRelu` 0.2, `tf.layers.leakyReLU` 0.3).
 */
export type Activation = 'leakyRelu' | 'relu' | 'tanh' | 'identity'

/** The allowed {@link Activation} names. */
export const ACTIVATIONS: readonly Activation[] = ['leakyRelu', 'relu', 'tanh', 'identity']

/** Default leaky-ReLU negative slope: PyTorch's `nn.LeakyReLU()` default, used by cl-ica's encoder. */
export const DEFAULT_LEAKY_SLOPE = 0.01

/** Apply `activation` element-wise. */
export function applyActivation(x: tf.Tensor2D, activation: Activation, leakySlope: number): tf.Tensor2D {
  switch (activation) {
    case 'leakyRelu':
      return tf.leakyRelu(x, leakySlope)
    case 'relu':
      return tf.relu(x)
    case 'tanh':
      return tf.tanh(x)
    case 'identity':
      return x
  }
}

/** Validate an activation name. */
export function assertActivation(field: string, value: unknown): asserts value is Activation {
  if (!ACTIVATIONS.includes(value as Activation)) {
    throw new InvalidConfigError(field, `one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, value)
  }
}
