import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError } from './errors.js'

/**
 * A `Conv2DBackpropFilter` kernel for the tfjs `wasm` backend (tfjs 4.22 has none: tfjs#8474), so `tf.grad` of
 * `tf.conv2d` with respect to the filter — every conv-net training step — works on wasm.
 *
 * The filter gradient is dW[i,j,c,o] = Σ_{n,y,x} x̂[n, y·s + i·d, x·s + j·d, c] · dy[n,y,x,o] with x̂ the zero-padded
 * input (tfjs-core `Conv2D_grad.ts`, `conv_util.computeConv2DInfo`). It is composed from wasm's own kernels, called
 * directly through `tf.getKernel(name, 'wasm').kernelFunc` as `wasm-matmul.ts` does: dy is transposed once to
 * dyᵀ [Cout, M] (M = N·Ho·Wo); for each filter tap (i, j) a strided slice of the padded input gives the tap's
 * [M, Cin] matrix, and one untransposed `BatchMatMul` dyᵀ·x_ij [Cout, Cin] runs through XNNPACK (a transposed operand
 * would take wasm's naive loop, see `wasm-matmul.ts`). The taps are stacked to [kh·kw, Cout, Cin] and transposed to
 * [kh, kw, Cin, Cout]. Every intermediate is freed with `backend.disposeData`; the result is a fresh wasm tensor the
 * engine owns. Agrees with the cpu backend's kernel to float32 summation order (tests: 1e-4 of the gradient's largest
 * magnitude).
 */

const BACKEND = 'wasm'
const KERNEL = 'Conv2DBackpropFilter'
/** wasm kernels the composition calls. */
const PARTS = ['Transpose', 'BatchMatMul', 'StridedSlice', 'PadV2', 'Concat'] as const

/** Marks the kernelFunc installed here. */
const MARK = Symbol.for('@cl/core/wasm-conv-backprop-filter')

type MarkedKernelFunc = tf.KernelFunc & { [MARK]?: true }

interface DisposingBackend {
  disposeData(dataId: object, force?: boolean): boolean
}

interface BackpropFilterAttrs {
  strides: number | [number, number]
  pad: 'same' | 'valid' | number | readonly (readonly [number, number])[]
  dataFormat?: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  filterShape: [number, number, number, number]
  dilations?: number | [number, number]
}

function kernel(name: string): tf.KernelFunc {
  const config = tf.getKernel(name, BACKEND)
  if (config === undefined) throw new Error(`wasm kernel '${name}' is not registered (needed by ${KERNEL})`)
  return config.kernelFunc
}

/** Same data, another shape (what wasm's Reshape does, without taking a reference: never dispose the view). */
function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype }
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
  const backend = args.backend as unknown as DisposingBackend
  const call = (name: string, inputs: tf.NamedTensorInfoMap, kernelAttrs: tf.NamedAttrMap): tf.TensorInfo =>
    kernel(name)({ inputs, backend: args.backend, attrs: kernelAttrs }) as tf.TensorInfo
  const temporaries: tf.TensorInfo[] = []
  const temp = (t: tf.TensorInfo): tf.TensorInfo => {
    temporaries.push(t)
    return t
  }
  try {
    const m = n * ho * wo
    if (m === 0 || cin === 0 || cout === 0) throw new ShapeMismatchError(`${KERNEL}.dy (non-empty)`, [n, ho, wo, cout], dy.shape)
    // Pad only what a tap reads: rows y·s + i·d − top for y < Ho, i < kh (the bottom/right padding may be partly unused).
    const top = info.padInfo.top
    const left = info.padInfo.left
    const bottom = Math.max(0, (ho - 1) * sh + (kh - 1) * dh - top - (h - 1))
    const right = Math.max(0, (wo - 1) * sw + (kw - 1) * dw - left - (w - 1))
    const padded =
      top > 0 || left > 0 || bottom > 0 || right > 0
        ? temp(call('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 }))
        : x
    const hp = padded.shape[1]!
    const wp = padded.shape[2]!
    // dyᵀ [1, Cout, M]: the left operand of every tap's product, untransposed for XNNPACK.
    const dyT = temp(call('Transpose', { x: view(dy, [m, cout]) }, { perm: [1, 0] }))
    const taps: tf.TensorInfo[] = []
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const r0 = i * dh
        const c0 = j * dw
        const whole = r0 === 0 && c0 === 0 && sh === 1 && sw === 1 && hp === ho && wp === wo
        const slice = whole
          ? padded
          : temp(
              call('StridedSlice', { x: padded }, {
                begin: [0, r0, c0, 0],
                end: [n, r0 + (ho - 1) * sh + 1, c0 + (wo - 1) * sw + 1, cin],
                strides: [1, sh, sw, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              }),
            )
        const product = temp(
          call('BatchMatMul', { a: view(dyT, [1, cout, m]), b: view(slice, [1, m, cin]) }, { transposeA: false, transposeB: false }),
        )
        taps.push(view(product, [1, cout, cin]))
      }
    }
    const stacked = taps.length === 1 ? taps[0]! : temp(call('Concat', taps as unknown as tf.NamedTensorInfoMap, { axis: 0 }))
    // [kh·kw, Cout, Cin] → [kh·kw, Cin, Cout] = [kh, kw, Cin, Cout].
    const out = call('Transpose', { x: view(stacked, [kh * kw, cout, cin]) }, { perm: [0, 2, 1] })
    return view(out, [kh, kw, cin, cout])
  } finally {
    for (const t of temporaries) if (t !== x) backend.disposeData(t.dataId)
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
