import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import { PAIRWISE_LSE_BACKWARD, PAIRWISE_LSE_FORWARD } from '../pairwise-lse-kernel.js'
import { checkAttrs, checkShapes, lseProblem, pairwiseLseBackwardHost, pairwiseLseForwardHost } from './compute.js'

/**
 * tfjs kernels PAIRWISE_LSE_FORWARD {a, b, w} → lse [N] (one TensorInfo) and PAIRWISE_LSE_BACKWARD
 * {a, b, w, lse, dy} → [da, db, dw] (three TensorInfos) for the 'wasm' and 'cpu' backends, computed by the wasm-SIMD
 * kernel. Ordinary kernels: inputs are read from the backend (the wasm heap, or readSync on cpu), outputs are
 * allocated by the backend and owned by the engine. Call through `tf.engine().runKernel(name, inputs, attrs)`.
 */

/** Backends the fast path is registered for. */
export const PAIRWISE_LSE_BACKENDS = ['wasm', 'cpu'] as const

/** tfjs-backend-wasm's BackendWasm, as far as used here (4.22: typedArrayFromHeap / makeOutput). */
interface HeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): ArrayLike<number>
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo
}
/** tfjs-backend-cpu's MathBackendCPU, as far as used here. */
interface SyncBackend {
  readSync(dataId: tf.DataId): unknown
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo
}

function isHeapBackend(b: unknown): b is HeapBackend {
  return typeof (b as Partial<HeapBackend>).typedArrayFromHeap === 'function' && typeof (b as Partial<HeapBackend>).makeOutput === 'function'
}

function input(inputs: tf.NamedTensorInfoMap, name: string): tf.TensorInfo {
  const t = inputs[name]
  if (t === undefined) throw new InvalidConfigError(`PairwiseLse inputs.${name}`, 'a float32 tensor', undefined)
  if (t.dtype !== 'float32') throw new InvalidConfigError(`PairwiseLse ${name}.dtype`, "'float32'", t.dtype)
  return t
}

/** A float32 view (wasm: into the heap — valid until the next allocation) or the cpu backend's array. */
function read(backend: unknown, info: tf.TensorInfo): Float32Array {
  const values = isHeapBackend(backend) ? backend.typedArrayFromHeap(info) : (backend as SyncBackend).readSync(info.dataId)
  if (!(values instanceof Float32Array)) throw new InvalidConfigError('PairwiseLse backend data', 'a Float32Array', typeof values)
  return values
}

/** Engine-owned outputs holding `values` (all allocated before any is written: a wasm allocation may move the heap). */
function outputs(backend: unknown, parts: readonly (readonly [number[], Float32Array])[]): tf.TensorInfo[] {
  if (isHeapBackend(backend)) {
    const infos = parts.map(([shape]) => backend.makeOutput(shape, 'float32'))
    infos.forEach((info, i) => (backend.typedArrayFromHeap(info) as Float32Array).set(parts[i]![1]))
    return infos
  }
  return parts.map(([shape, values]) => (backend as SyncBackend).makeTensorInfo(shape, 'float32', values))
}

const forwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const at = checkAttrs(attrs as Record<string, unknown> | undefined)
  const [a, b, w] = [input(inputs, 'a'), input(inputs, 'b'), input(inputs, 'w')]
  const shape = checkShapes(a.shape, b.shape, w.shape)
  const lse = pairwiseLseForwardHost(lseProblem(read(backend, a), read(backend, b), read(backend, w), shape, at))
  return outputs(backend, [[[shape.n], lse]])[0]!
}

const backwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const at = checkAttrs(attrs as Record<string, unknown> | undefined)
  const [a, b, w, lse, dy] = ['a', 'b', 'w', 'lse', 'dy'].map((name) => input(inputs, name)) as [
    tf.TensorInfo,
    tf.TensorInfo,
    tf.TensorInfo,
    tf.TensorInfo,
    tf.TensorInfo,
  ]
  const shape = checkShapes(a.shape, b.shape, w.shape)
  if (lse.shape.length !== 1 || lse.shape[0] !== shape.n) throw new ShapeMismatchError('PairwiseLse lse', [shape.n], lse.shape)
  if (dy.shape.length !== 1 || dy.shape[0] !== shape.n) throw new ShapeMismatchError('PairwiseLse dy', [shape.n], dy.shape)
  const pr = lseProblem(read(backend, a), read(backend, b), read(backend, w), shape, at)
  const g = pairwiseLseBackwardHost(pr, read(backend, lse), read(backend, dy))
  return outputs(backend, [
    [[shape.n, shape.d], g.da],
    [[shape.m, shape.d], g.db],
    [[shape.d], g.dw],
  ])
}

/**
 * Register both kernels for 'wasm' and 'cpu' (idempotent; registering for a backend that is not loaded is harmless).
 * Nothing is registered at import: the package is side-effect free.
 */
export function registerPairwiseLseKernels(): void {
  for (const backendName of PAIRWISE_LSE_BACKENDS) {
    if (tf.getKernel(PAIRWISE_LSE_FORWARD, backendName) == null) {
      tf.registerKernel({ kernelName: PAIRWISE_LSE_FORWARD, backendName, kernelFunc: forwardKernel })
    }
    if (tf.getKernel(PAIRWISE_LSE_BACKWARD, backendName) == null) {
      tf.registerKernel({ kernelName: PAIRWISE_LSE_BACKWARD, backendName, kernelFunc: backwardKernel })
    }
  }
}

/** True when both kernels are registered for `backendName` (default: the active backend). */
export function hasPairwiseLseKernel(backendName: string = tf.getBackend()): boolean {
  return (
    tf.getKernel(PAIRWISE_LSE_FORWARD, backendName) != null && tf.getKernel(PAIRWISE_LSE_BACKWARD, backendName) != null
  )
}
