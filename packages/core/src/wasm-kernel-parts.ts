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

/** The `backend` a `tf.KernelFunc` receives. */
export type KernelCallBackend = Parameters<tf.KernelFunc>[0]['backend']

/** Runs wasm kernels inside a composed kernel and frees the intermediates it marked. */
export interface WasmKernelComposer {
  /** Run wasm's `name` kernel on `inputs` with `attrs`. */
  call(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo
  /** Mark `t` as an intermediate to free; returns it. */
  temp(t: tf.TensorInfo): tf.TensorInfo
  /** Free every marked intermediate except `keep` (an input a kernel handed back unchanged must survive). */
  free(...keep: tf.TensorInfo[]): void
}

/** A {@link WasmKernelComposer} for a kernel call's `backend`; `neededBy` names the composed kernel in errors. */
export function composeWasmKernels(backend: KernelCallBackend, neededBy: string): WasmKernelComposer {
  const temporaries: tf.TensorInfo[] = []
  return {
    call: (name, inputs, attrs) => wasmKernel(name, neededBy)({ inputs, backend, attrs }) as tf.TensorInfo,
    temp: (t) => {
      temporaries.push(t)
      return t
    },
    free: (...keep) => {
      for (const t of temporaries) if (!keep.includes(t)) (backend as unknown as DisposingBackend).disposeData(t.dataId)
      temporaries.length = 0
    },
  }
}
