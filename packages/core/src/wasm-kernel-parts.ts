import * as tf from '@tensorflow/tfjs'

/**
 * Shared pieces of this package's tfjs-wasm kernel replacements (`wasm-matmul.ts`, `wasm-conv-backprop-filter.ts`,
 * `wasm-conv-backprop-input.ts`), which compose wasm's own kernels by calling their `kernelFunc`s directly.
 */

/** The tfjs backend every replacement targets. */
export const WASM_BACKEND = 'wasm'

/** A backend that frees a tensor's data by id (tfjs-wasm's `BackendWasm`): composed kernels free their intermediates. */
export interface DisposingBackend {
  disposeData(dataId: object, force?: boolean): boolean
}

/** Attributes shared by tfjs-core's `Conv2DBackpropFilter` and `Conv2DBackpropInput` kernels (`Conv2D_grad.ts`). */
export interface ConvGradientAttrs {
  strides: number | [number, number]
  pad: 'same' | 'valid' | number | readonly (readonly [number, number])[]
  dataFormat?: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  dilations?: number | [number, number]
}

/** The registered wasm `kernelFunc` of `name`; throws naming `neededBy` when wasm lacks it. */
export function wasmKernel(name: string, neededBy: string): tf.KernelFunc {
  const config = tf.getKernel(name, WASM_BACKEND)
  if (config === undefined) throw new Error(`wasm kernel '${name}' is not registered (needed by ${neededBy})`)
  return config.kernelFunc
}
