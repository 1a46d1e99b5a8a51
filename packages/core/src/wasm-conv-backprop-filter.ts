import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError } from './errors.js'
import { WASM_BACKEND as BACKEND, composeWasmKernels, type ConvGradientAttrs } from './wasm-kernel-parts.js'

/**
 * A `Conv2DBackpropFilter` kernel for the tfjs `wasm` backend (tfjs 4.22 has none: tfjs#8474), so `tf.grad` of
 * `tf.conv2d` with respect to the filter — every conv-net training step — works on wasm.
 *
 * The filter gradient dW[i,j,c,o] = Σ_{n,y,x} x̂[n, y·s + i, x·s + j, c] · dy[n,y,x,o] (x̂: x zero-padded as the
 * forward conv pads it; tfjs-core `Conv2D_grad.ts`, `conv_util.computeConv2DInfo`) is itself a convolution once batch
 * and channels swap places: x̂ᵀ [Cin, H, W, N] convolved ('valid') with dyᵀ [Ho, Wo, N, Cout] as the filter, dilated
 * by the stride, is [Cin, kh, kw, Cout]. The kernel runs exactly that through wasm's own kernels, called directly via
 * `tf.getKernel(name, 'wasm').kernelFunc` as `wasm-matmul.ts` does: `Transpose` x and dy, `Conv2D` (XNNPACK; the
 * padding goes into its explicit `pad`), `Transpose` to [kh, kw, Cin, Cout]. Every intermediate is freed with
 * `backend.disposeData`; the result is a fresh wasm tensor the engine owns. It beat a per-tap formulation (a strided
 * slice of x̂ per filter tap times dyᵀ through `BatchMatMul`) by several times: wasm's `StridedSlice` is a per-element
 * loop. Agrees with the cpu backend's kernel to float32 summation order (tests: 1e-4 of the gradient's largest
 * magnitude). NHWC and dilation 1 only, as tfjs-core's conv2d gradient itself.
 */

const KERNEL = 'Conv2DBackpropFilter'
/** wasm kernels the composition calls. */
const PARTS = ['Transpose', 'Conv2D', 'Slice'] as const

/** Marks the kernelFunc installed here. */
const MARK = Symbol.for('@cl/core/wasm-conv-backprop-filter')

type MarkedKernelFunc = tf.KernelFunc & { [MARK]?: true }

interface BackpropFilterAttrs extends ConvGradientAttrs {
  filterShape: [number, number, number, number]
}


const conv2dBackpropFilterWasm: MarkedKernelFunc = (args) => {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }
  const attrs = args.attrs as unknown as BackpropFilterAttrs
  const dataFormat = attrs.dataFormat ?? 'NHWC'
  if (dataFormat !== 'NHWC') {
    throw new InvalidConfigError(`${KERNEL}.dataFormat`, "'NHWC' (the wasm kernel of @cl/core)", dataFormat)
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    const bad = x.shape.length !== 4 ? { field: 'x', shape: x.shape } : { field: 'dy', shape: dy.shape }
    throw new ShapeMismatchError(`${KERNEL}.${bad.field} (NHWC)`, [null, null, null, null], bad.shape)
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new InvalidConfigError(`${KERNEL}.dtype`, 'float32', `${x.dtype}/${dy.dtype}`)
  }
  const filterShape = attrs.filterShape
  const dilations = attrs.dilations ?? 1
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    dilations,
    attrs.pad as Parameters<typeof tf.backend_util.computeConv2DInfo>[4],
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  )
  const { batchSize: n, inChannels: cin, outChannels: cout, outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info
  const { dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info
  if (dy.shape[0] !== n || dy.shape[1] !== ho || dy.shape[2] !== wo || dy.shape[3] !== cout) {
    throw new ShapeMismatchError(`${KERNEL}.dy (for x [${x.shape.join(',')}], filter [${filterShape.join(',')}])`, [n, ho, wo, cout], dy.shape)
  }
  if (dh !== 1 || dw !== 1) {
    // tfjs-core's conv2d gradient (Conv2D_grad.ts) refuses dilations > 1 before it gets here.
    throw new InvalidConfigError(`${KERNEL}.dilations`, '1 (the wasm kernel of @cl/core, like the conv2d gradient of tfjs-core)', dilations)
  }
  const { call, temp, free } = composeWasmKernels(args.backend, KERNEL)
  try {
    if (n * ho * wo === 0 || cin === 0 || cout === 0) throw new ShapeMismatchError(`${KERNEL}.dy (non-empty)`, [n, ho, wo, cout], dy.shape)
    // As a convolution: batch ↔ channels swapped, x̂ᵀ [Cin, H, W, N] ⊛ dyᵀ [Ho, Wo, N, Cout] with dilation = stride.
    // Its 'valid' output is kh × kw when the padded input is exactly (Ho − 1)·s + kh tall (and as wide), so the
    // bottom/right padding is what remains after the top/left one (negative: rows the forward conv never read).
    const top = info.padInfo.top
    const left = info.padInfo.left
    const bottom = (ho - 1) * sh + kh - top - h
    const right = (wo - 1) * sw + kw - left - w
    let xT = temp(call('Transpose', { x }, { perm: [3, 1, 2, 0] }))
    if (bottom < 0 || right < 0) {
      xT = temp(call('Slice', { x: xT }, { begin: [0, 0, 0, 0], size: [cin, h + Math.min(bottom, 0), w + Math.min(right, 0), n] }))
    }
    const dyT = temp(call('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }))
    const pad = [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]]
    const grad = temp(call('Conv2D', { x: xT, filter: dyT }, { strides: 1, pad, dataFormat: 'NHWC', dilations: [sh, sw] }))
    // [Cin, kh, kw, Cout] → [kh, kw, Cin, Cout]
    return call('Transpose', { x: grad }, { perm: [1, 2, 0, 3] })
  } finally {
    free(x)
  }
}
conv2dBackpropFilterWasm[MARK] = true

/** True when the wasm backend has a `Conv2DBackpropFilter` kernel (this one or tfjs' own). */
export function hasWasmConvGradients(): boolean {
  return tf.getKernel(KERNEL, BACKEND) !== undefined
}

/** True when the registered wasm `Conv2DBackpropFilter` is the one of this module. */
export function isWasmConvBackpropFilterOurs(): boolean {
  return (tf.getKernel(KERNEL, BACKEND)?.kernelFunc as MarkedKernelFunc | undefined)?.[MARK] === true
}

/**
 * Register the wasm `Conv2DBackpropFilter` kernel (module comment). Idempotent; a no-op returning false when
 * `@tensorflow/tfjs-backend-wasm` is not loaded (its kernels are registered at import: call this after importing it).
 * A kernel already registered for wasm (tfjs' own, in a future release) is left alone. Returns true when wasm can
 * then compute conv filter gradients. `useFastWasmKernels` calls it.
 */
export function useWasmConvGradients(): boolean {
  if (hasWasmConvGradients()) return true
  if (!PARTS.every((name) => tf.getKernel(name, BACKEND) !== undefined)) return false
  tf.registerKernel({ kernelName: KERNEL, backendName: BACKEND, kernelFunc: conv2dBackpropFilterWasm })
  return true
}

/** Remove this module's kernel again (tests, benchmarks). Returns false when it was not installed. */
export function removeWasmConvGradients(): boolean {
  if (!isWasmConvBackpropFilterOurs()) return false
  tf.unregisterKernel(KERNEL, BACKEND)
  return true
}
