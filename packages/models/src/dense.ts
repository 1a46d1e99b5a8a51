import * as tf from '@tensorflow/tfjs'
import type { Rng } from '@cl/core'
import { initLinear, type WeightInit } from './init.js'
import type { ParameterStore } from './parameters.js'

/**
 * A fully connected layer y = x·K + b, PyTorch `nn.Linear` semantics. The kernel variable K is [inputDim, outputDim]
 * (= Wᵀ for PyTorch's weight W of shape [out, in]) so the forward pass is one matMul without transposes; the bias is
 * [outputDim]. Initialised from a seeded stream with PyTorch's U(±1/√fan_in) for kernel and bias (init.ts).
 */
export interface Dense {
  readonly inputDim: number
  readonly outputDim: number
  readonly kernel: tf.Variable<tf.Rank.R2>
  readonly bias: tf.Variable<tf.Rank.R1> | null
  /** x·K (+ b) for x [batch, inputDim]; a new tensor. */
  apply(x: tf.Tensor2D): tf.Tensor2D
}

/** Options of {@link createDense}. */
export interface DenseOptions {
  readonly inputDim: number
  readonly outputDim: number
  readonly useBias: boolean
  readonly trainable: boolean
  /** Weight distribution (default `'pytorch'`; see {@link WeightInit}). */
  readonly weightInit?: WeightInit
}

/** Create the variables `${localName}/kernel` (and `${localName}/bias`) in `store`, initialised from `rng`. */
export function createDense(store: ParameterStore, localName: string, rng: Rng, options: DenseOptions): Dense {
  const { inputDim, outputDim, useBias, trainable } = options
  const init = initLinear(rng, inputDim, outputDim, useBias, options.weightInit)
  const kernel = store.add(`${localName}/kernel`, init.kernel, [inputDim, outputDim], trainable) as tf.Variable<tf.Rank.R2>
  const bias = init.bias === null ? null : (store.add(`${localName}/bias`, init.bias, [outputDim], trainable) as tf.Variable<tf.Rank.R1>)
  return {
    inputDim,
    outputDim,
    kernel,
    bias,
    // fused matMul + bias with the linear activation is differentiable and saves one pass over the output.
    apply: (x) => (bias === null ? tf.matMul(x, kernel) : (tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D)),
  }
}
