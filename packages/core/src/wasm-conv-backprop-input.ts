import * as tf from '@tensorflow/tfjs'
import { WASM_BACKEND as BACKEND, composeWasmKernels, type ConvGradientAttrs } from './wasm-kernel-parts.js'

/**
 * A faster `Conv2DBackpropInput` (the input gradient of `tf.conv2d`, also `tf.conv2dTranspose`) on the tfjs `wasm`
 * backend (tfjs 4.22). tfjs-wasm's own kernel is a plain nested loop, not XNNPACK; in a conv-net training step it took
 * more time than the forward convolution and the filter gradient together (apps/bench `conv-step`, docs/tfjs-backends.md).
 *
 * The input gradient is a convolution: dx[n,r,q,c] = Σ_{i,j,o} D[n, r + top − i, q + left − j, o] · W[i,j,c,o] with D
 * the output gradient dy with s − 1 zeros inserted after every row and column (stride s), i.e. D convolved ('valid',
 * zero-padded by kh − 1 − top above) with the filter flipped in both spatial axes and with its channel axes swapped.
 * {@link useFastWasmConvInput} re-registers the wasm kernel with a wrapper that runs exactly that through wasm's own
 * `PadV2` (zero insertion), `Reverse`, `Transpose` and `Conv2D` (XNNPACK), freeing every intermediate, and falls back
 * to the stock kernel for what it does not cover (NCHW, dilations, a padding wider than the filter).
 */

const KERNEL = 'Conv2DBackpropInput'
const PARTS = ['PadV2', 'Slice', 'Reverse', 'Transpose', 'Conv2D'] as const

/** Marks a kernelFunc installed here; holds the kernel config it replaced. */
const ORIGINAL = Symbol.for('@cl/core/wasm-conv-backprop-input/original')

type WrappedKernelFunc = tf.KernelFunc & { [ORIGINAL]?: tf.KernelConfig }

interface BackpropInputAttrs extends ConvGradientAttrs {
  inputShape: [number, number, number, number]
}

function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype }
}

function wrap(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: WrappedKernelFunc = (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo }
    const attrs = args.attrs as unknown as BackpropInputAttrs
    const dilations = attrs.dilations ?? 1
    const unitDilation = Array.isArray(dilations) ? dilations.every((d) => d === 1) : dilations === 1
    if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !unitDilation || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      return original.kernelFunc(args)
    }
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad as Parameters<typeof tf.backend_util.computeConv2DInfo>[4],
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    )
    const { batchSize: n, inChannels: cin, outChannels: cout, outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info
    const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info
    const padTop = kh - 1 - info.padInfo.top
    const padLeft = kw - 1 - info.padInfo.left
    // D is Ho·s tall (s − 1 trailing zero rows); the 'valid' conv needs H + kh − 1 rows after padding.
    const bottom = h + kh - 1 - padTop - ho * sh
    const right = w + kw - 1 - padLeft - wo * sw
    const covered = padTop >= 0 && padLeft >= 0 && bottom > -sh && right > -sw
    if (!covered || n * ho * wo * cin * cout === 0 || dy.shape.join() !== [n, ho, wo, cout].join()) return original.kernelFunc(args)
    const { call, temp, free } = composeWasmKernels(args.backend, KERNEL)
    try {
      let d = dy
      if (sh > 1 || sw > 1) {
        const inserted = temp(
          call('PadV2', { x: view(dy, [n, ho, 1, wo, 1, cout]) }, {
            paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
            constantValue: 0,
          }),
        )
        d = view(inserted, [n, ho * sh, wo * sw, cout])
      }
      if (bottom < 0 || right < 0) {
        // Drops trailing inserted zeros only (bottom > −s, right > −s).
        d = temp(call('Slice', { x: d }, { begin: [0, 0, 0, 0], size: [n, ho * sh + Math.min(bottom, 0), wo * sw + Math.min(right, 0), cout] }))
      }
      const flipped = temp(call('Reverse', { x: filter }, { dims: [0, 1] }))
      const swapped = temp(call('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }))
      const pad = [[0, 0], [padTop, Math.max(bottom, 0)], [padLeft, Math.max(right, 0)], [0, 0]]
      return call('Conv2D', { x: d, filter: swapped }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 })
    } finally {
      free()
    }
  }
  kernelFunc[ORIGINAL] = original
  return { ...original, kernelFunc }
}

/** True when the wasm `Conv2DBackpropInput` is the wrapper of {@link useFastWasmConvInput}. */
export function isFastWasmConvInputActive(): boolean {
  return (tf.getKernel(KERNEL, BACKEND)?.kernelFunc as WrappedKernelFunc | undefined)?.[ORIGINAL] !== undefined
}

/**
 * Install the XNNPACK-backed `Conv2DBackpropInput` for `wasm` (module comment). Idempotent; a no-op returning false when
 * `@tensorflow/tfjs-backend-wasm` is not loaded. `useFastWasmKernels` calls it.
 */
export function useFastWasmConvInput(): boolean {
  const config = tf.getKernel(KERNEL, BACKEND)
  if (config === undefined || !PARTS.every((name) => tf.getKernel(name, BACKEND) !== undefined)) return false
  if ((config.kernelFunc as WrappedKernelFunc)[ORIGINAL] !== undefined) return true
  tf.unregisterKernel(KERNEL, BACKEND)
  tf.registerKernel(wrap(config))
  return true
}

/** Put tfjs-wasm's own `Conv2DBackpropInput` back (benchmarks, tests). Idempotent; false if it was not wrapped. */
export function useStockWasmConvInput(): boolean {
  const original = (tf.getKernel(KERNEL, BACKEND)?.kernelFunc as WrappedKernelFunc | undefined)?.[ORIGINAL]
  if (original === undefined) return false
  tf.unregisterKernel(KERNEL, BACKEND)
  tf.registerKernel(original)
  return true
}
