import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, assertOptionKeys } from '@cl/core'
import { DEFAULT_LEAKY_SLOPE, applyActivation, assertActivation, type Activation } from './activation.js'
import { createDense, type Dense } from './dense.js'
import { WEIGHT_INITS, type WeightInit } from './init.js'
import type { Encoder } from './encoder.js'
import { resolveScope } from './naming.js'
import {
  assertOutputNormalization,
  createOutputNormalization,
  type OutputNormalization,
  type OutputNormalizationLayer,
} from './output-normalization.js'
import { ParameterStore } from './parameters.js'
import { assertDim, assertInput, toRng, type SeedLike } from './validate.js'

/**
 * Hidden widths of the reference encoder f (cl-ica `encoders.get_mlp`; paper §4.1 "7-layer MLP"):
 * [10d, 50d, 50d, 50d, 50d, 10d], so with the output layer d → 10d → 50d → 50d → 50d → 50d → 10d → d
 * (d = 10: 10-100-500-500-500-500-100-10).
 */
export function referenceHiddenWidths(d: number): number[] {
  assertDim('d', d)
  return [10 * d, 50 * d, 50 * d, 50 * d, 50 * d, 10 * d]
}

/** Options of {@link createMlpEncoder}. */
export interface MlpEncoderOptions {
  /** Input width d. */
  readonly inputDim: number
  /** Output width (default: inputDim, as in cl-ica). */
  readonly outputDim?: number
  /** Hidden widths, i.e. depth and width (default {@link referenceHiddenWidths}(inputDim)); [] gives one linear layer. */
  readonly hiddenWidths?: readonly number[]
  /** Hidden non-linearity (default `'leakyRelu'`); none after the output layer. */
  readonly activation?: Activation
  /** Negative slope of `'leakyRelu'` (default 0.01, PyTorch's). */
  readonly leakySlope?: number
  /** Output normalisation (default `'none'`). */
  readonly outputNormalization?: OutputNormalization
  /** Whether the dense layers have a bias (default true). */
  readonly useBias?: boolean
  /** Weight init (default `'pytorch'`, U(±1/√fan_in); `'heUniform'` = U(±√(6/fan_in)) for deep leaky-ReLU stacks). */
  readonly weightInit?: WeightInit
  /** Seed for the init (or an Rng; layer i draws from `rng.fork('dense_i')`). */
  readonly seed: SeedLike
  /** Variable scope (default: a fresh `mlp_encoder_<n>`). */
  readonly name?: string
  /** Whether the variables are trainable (default true). */
  readonly trainable?: boolean
}

/** A multi-layer perceptron encoder; see {@link createMlpEncoder}. */
export interface MlpEncoder extends Encoder {
  readonly inputDim: number
  readonly hiddenWidths: readonly number[]
  readonly activation: Activation
  readonly leakySlope: number
  /** The dense layers in order (`dense_0` … `dense_L`); the last one is the output layer. */
  readonly layers: readonly Dense[]
  /** The output normalisation, or null for `'none'`. */
  readonly normalization: OutputNormalizationLayer | null
}

const OPTION_KEYS = [
  'inputDim',
  'outputDim',
  'hiddenWidths',
  'activation',
  'leakySlope',
  'outputNormalization',
  'useBias',
  'weightInit',
  'seed',
  'name',
  'trainable',
]

/** Shared builder of the MLP and the linear encoder; `scopeBase` names auto-generated scopes. */
export function buildMlp(options: MlpEncoderOptions, root: string, scopeBase: string): MlpEncoder {
  assertOptionKeys(root, options, OPTION_KEYS)
  const { inputDim } = options
  assertDim(`${root}.inputDim`, inputDim)
  const outputDim = options.outputDim ?? inputDim
  assertDim(`${root}.outputDim`, outputDim)
  if (options.hiddenWidths !== undefined && !Array.isArray(options.hiddenWidths)) {
    throw new InvalidConfigError(`${root}.hiddenWidths`, 'an array of integers ≥ 1', options.hiddenWidths)
  }
  const hiddenWidths = options.hiddenWidths === undefined ? referenceHiddenWidths(inputDim) : [...options.hiddenWidths]
  hiddenWidths.forEach((w, i) => assertDim(`${root}.hiddenWidths[${i}]`, w))
  const activation = options.activation ?? 'leakyRelu'
  assertActivation(`${root}.activation`, activation)
  const leakySlope = options.leakySlope ?? DEFAULT_LEAKY_SLOPE
  if (typeof leakySlope !== 'number' || !Number.isFinite(leakySlope) || leakySlope < 0) {
    throw new InvalidConfigError(`${root}.leakySlope`, 'a finite number ≥ 0', leakySlope)
  }
  const outputNormalization = options.outputNormalization ?? 'none'
  assertOutputNormalization(`${root}.outputNormalization`, outputNormalization)
  const useBias = options.useBias ?? true
  if (typeof useBias !== 'boolean') throw new InvalidConfigError(`${root}.useBias`, 'a boolean', useBias)
  const weightInit = options.weightInit ?? 'pytorch'
  if (!WEIGHT_INITS.includes(weightInit)) throw new InvalidConfigError(`${root}.weightInit`, `one of ${WEIGHT_INITS.map((w) => `'${w}'`).join(', ')}`, weightInit)
  const trainable = options.trainable ?? true
  if (typeof trainable !== 'boolean') throw new InvalidConfigError(`${root}.trainable`, 'a boolean', trainable)
  const rng = toRng(`${root}.seed`, options.seed)
  const scope = resolveScope(`${root}.name`, options.name, scopeBase)

  const store = new ParameterStore(scope)
  const widths = [inputDim, ...hiddenWidths, outputDim]
  const layers: Dense[] = []
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push(
      createDense(store, `dense_${i}`, rng.fork(`dense_${i}`), {
        inputDim: widths[i]!,
        outputDim: widths[i + 1]!,
        useBias,
        trainable,
        weightInit,
      }),
    )
  }
  const normalization = createOutputNormalization(store, outputNormalization, outputDim, trainable)

  const tapNames = [...hiddenWidths.map((_, i) => `hidden_${i + 1}`), 'output', ...(normalization ? ['normalized'] : [])]
  const tapWidths = [...hiddenWidths, outputDim, ...(normalization ? [outputDim] : [])]

  /** The forward pass; `taps` (if given) collects every tap in order. */
  const forward = (x: tf.Tensor2D, taps: tf.Tensor2D[] | null): tf.Tensor2D => {
    let h = x
    for (let i = 0; i < layers.length - 1; i++) {
      h = applyActivation(layers[i]!.apply(h), activation, leakySlope)
      taps?.push(h)
    }
    let out = layers[layers.length - 1]!.apply(h)
    taps?.push(out)
    if (normalization) {
      out = normalization.apply(out)
      taps?.push(out)
    }
    return out
  }

  return {
    scope,
    inputDim,
    inputShape: [inputDim],
    outputDim,
    hiddenWidths,
    activation,
    leakySlope,
    layers,
    normalization,
    tapNames,
    tapWidths,
    get namedVariables() {
      return store.named
    },
    get trainableVariables() {
      return store.trainable()
    },
    apply: (x) => {
      assertInput('x', x, inputDim)
      return tf.tidy(() => forward(x, null))
    },
    applyWithTaps: (x) => {
      assertInput('x', x, inputDim)
      return tf.tidy(() => {
        const taps: tf.Tensor2D[] = []
        forward(x, taps)
        return taps
      })
    },
    getWeights: () => store.getWeights(),
    setWeights: (weights) => store.setWeights(weights),
    dispose: () => store.dispose(),
  }
}

/**
 * The reference MLP encoder f of the nonlinear experiments (paper §4.1; cl-ica `encoders.get_mlp`): dense layers
 * with the given hidden widths (default 10d-50d-50d-50d-50d-10d), leaky ReLU (slope 0.01) after every hidden layer,
 * none after the output layer, then the optional output normalisation. PyTorch `nn.Linear` init from a seed.
 *
 * Taps (`applyWithTaps`): `hidden_1 … hidden_L` = the post-activation output of every hidden layer, `output` = the
 * last dense layer's (linear) output, and `normalized` = the output after the normalisation (only when
 * `outputNormalization ≠ 'none'`). For d = 10 without normalisation the widths are 100, 500, 500, 500, 500, 100, 10.
 */
export function createMlpEncoder(options: MlpEncoderOptions): MlpEncoder {
  return buildMlp(options, 'mlpEncoder', 'mlp_encoder')
}
