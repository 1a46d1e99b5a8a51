import * as tf from '@tensorflow/tfjs'

/**
 * tfjs-wasm's `Identity` kernel copies its input into a fresh heap buffer. The engine runs it for every tensor it
 * keeps for a gradient (`saveTensorsForBackwardMode` clones each saved input/output), so a training step copies and
 * frees every activation it saves — about 100 buffers per step of a 7-layer MLP. tfjs tensors are immutable (a
 * variable's `assign` swaps its data id, it never writes into the buffer), and the `cpu` backend's Identity and the
 * wasm backend's own `Reshape` already share the input's buffer with a reference count. {@link useSharedWasmIdentity}
 * re-registers wasm's `Identity` to do the same: `backend.incRef(x.dataId)` and the same data id.
 */

const BACKEND = 'wasm'
const ORIGINAL = Symbol.for('@cl/core/wasm-identity/original')

type WrappedKernelFunc = tf.KernelFunc & { [ORIGINAL]?: tf.KernelConfig }

interface RefCountingBackend {
  incRef(dataId: object): void
}

/** True when wasm's `Identity` is the sharing kernel of {@link useSharedWasmIdentity}. */
export function isSharedWasmIdentityActive(): boolean {
  return (tf.getKernel('Identity', BACKEND)?.kernelFunc as WrappedKernelFunc | undefined)?.[ORIGINAL] !== undefined
}

/**
 * Make wasm's `Identity` (hence `tf.clone` and the engine's saved-for-gradient copies) share the input's buffer
 * instead of copying it. Idempotent; a no-op returning false when the wasm backend is not loaded. String tensors keep
 * the stock kernel. Returns true when the sharing kernel is active.
 */
export function useSharedWasmIdentity(): boolean {
  const original = tf.getKernel('Identity', BACKEND)
  if (original === undefined) return false
  if ((original.kernelFunc as WrappedKernelFunc)[ORIGINAL] !== undefined) return true
  const kernelFunc: WrappedKernelFunc = (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x
    if (x.dtype === 'string') return original.kernelFunc(args)
    ;(args.backend as unknown as RefCountingBackend).incRef(x.dataId)
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
  }
  kernelFunc[ORIGINAL] = original
  tf.unregisterKernel('Identity', BACKEND)
  tf.registerKernel({ ...original, kernelFunc })
  return true
}

/** Put tfjs-wasm's copying `Identity` back (tests, benchmarks). Idempotent; false if it was not replaced. */
export function useStockWasmIdentity(): boolean {
  const original = (tf.getKernel('Identity', BACKEND)?.kernelFunc as WrappedKernelFunc | undefined)?.[ORIGINAL]
  if (original === undefined) return false
  tf.unregisterKernel('Identity', BACKEND)
  tf.registerKernel(original)
  return true
}
