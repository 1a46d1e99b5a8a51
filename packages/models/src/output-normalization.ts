import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import type { ParameterStore } from './parameters.js'

/**
 * Output normalisation of the encoder (cl-ica `main_mlp.py`):
 * - `'none'`: unconstrained R^n output (cl-ica's box / Lp experiments, p > 0).
 * - `'fixedSphere'`: x/‖x‖, i.e. on the unit sphere S^{n−1} (cl-ica `fixed_sphere`, its default for p = 0).
 * - `'learnableSphere'`: r·x/‖x‖ with one learnable scalar r, init 1 (cl-ica `learnable_sphere` / `RescaleLayer`).
 * - `'learnableBox'`: sigmoid(x)·b with learnable b ∈ R^n, init 1 — output in the box (0, b) (cl-ica
 *   `learnable_box` / `SoftclipLayer`).
 * ‖x‖ is clamped below at 1e-12 (as `torch.nn.functional.normalize`) so a zero row gives 0, not NaN.
 */
export type OutputNormalization = 'none' | 'fixedSphere' | 'learnableSphere' | 'learnableBox'

/** The allowed {@link OutputNormalization} names. */
export const OUTPUT_NORMALIZATIONS: readonly OutputNormalization[] = ['none', 'fixedSphere', 'learnableSphere', 'learnableBox']

/** Local variable name of the learnable sphere radius r (shape [1]). */
export const SPHERE_RADIUS_NAME = 'output_norm/radius'
/** Local variable name of the learnable box bound b (shape [n]). */
export const BOX_BOUND_NAME = 'output_norm/bound'

/** An output normalisation layer; `apply` returns a new tensor. */
export interface OutputNormalizationLayer {
  readonly kind: Exclude<OutputNormalization, 'none'>
  /** The learnable parameter (r or b), or null for `'fixedSphere'`. */
  readonly variable: tf.Variable | null
  apply(x: tf.Tensor2D): tf.Tensor2D
}

const MIN_NORM_SQUARED = 1e-24

/** x/max(‖x‖, 1e-12) row-wise. */
export function unitSphere(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), MIN_NORM_SQUARED))))
}

/** Validate a normalisation name. */
export function assertOutputNormalization(field: string, value: unknown): asserts value is OutputNormalization {
  if (!OUTPUT_NORMALIZATIONS.includes(value as OutputNormalization)) {
    throw new InvalidConfigError(field, `one of ${OUTPUT_NORMALIZATIONS.map((a) => `'${a}'`).join(', ')}`, value)
  }
}

/** Create the layer (and its variable in `store`) for `kind`; null for `'none'`. */
export function createOutputNormalization(
  store: ParameterStore,
  kind: OutputNormalization,
  dims: number,
  trainable: boolean,
): OutputNormalizationLayer | null {
  switch (kind) {
    case 'none':
      return null
    case 'fixedSphere':
      return { kind, variable: null, apply: unitSphere }
    case 'learnableSphere': {
      const radius = store.add(SPHERE_RADIUS_NAME, new Float32Array([1]), [1], trainable)
      return { kind, variable: radius, apply: (x) => tf.tidy(() => tf.mul(unitSphere(x), radius)) }
    }
    case 'learnableBox': {
      const bound = store.add(BOX_BOUND_NAME, new Float32Array(dims).fill(1), [dims], trainable)
      return { kind, variable: bound, apply: (x) => tf.tidy(() => tf.mul(tf.sigmoid(x), bound)) }
    }
  }
}
