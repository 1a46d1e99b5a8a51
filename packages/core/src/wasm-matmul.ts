import * as tf from '@tensorflow/tfjs'
import type { DisposingBackend } from './wasm-kernel-parts.js'

/**
 * Faster transposed matrix products on the tfjs `wasm` backend (tfjs 4.22).
 *
 * tfjs-wasm runs `BatchMatMul` / `_FusedMatMul` through XNNPACK only when neither operand is transposed; with
 * `transposeA` or `transposeB` it falls back to a naive triple loop, 5–10× slower than transposing the operand first
 * and taking the XNNPACK path (measured: [512,100]ᵀ·[512,100] 7.7 ms vs 0.93 ms; [512,100]·[100,100]ᵀ 9.5 ms vs
 * 0.85 ms). Every gradient of `tf.matMul` is such a product (dA = dC·Bᵀ, dB = Aᵀ·dC), so training is dominated by the
 * slow path. {@link useFastWasmMatMul} re-registers both kernels for `wasm` with a wrapper that transposes a
 * transposed operand explicitly with wasm's own `Transpose` kernel, runs the original kernel with
 * `transposeA = transposeB = false`, and frees the transposed copy. The result is bit-identical to the stock kernel on
 * an explicitly transposed operand (`matMul(transpose(a), b)`); against the stock transposed loop it differs only by
 * float32 summation order. `docs/profile-quick-step.md` in the repository has the profile that motivated it.
 */

const MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const
const BACKEND = 'wasm'

/** Marks a kernelFunc installed here; holds the kernel config it replaced. */
const ORIGINAL = Symbol.for('@cl/core/wasm-matmul/original')

type WrappedKernelFunc = tf.KernelFunc & { [ORIGINAL]?: tf.KernelConfig }


/** The registered wasm config of `kernelName`, or undefined. */
function registered(kernelName: string): tf.KernelConfig | undefined {
  return tf.getKernel(kernelName, BACKEND)
}

/** True when the `wasm` kernels are currently the wrappers of {@link useFastWasmMatMul}. */
export function isFastWasmMatMulActive(): boolean {
  return MATMUL_KERNELS.every((name) => (registered(name)?.kernelFunc as WrappedKernelFunc | undefined)?.[ORIGINAL] !== undefined)
}

function replaceKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName)
  tf.registerKernel(config)
}

function wrapMatMul(original: tf.KernelConfig, transpose: tf.KernelFunc): tf.KernelConfig {
  const kernelFunc: WrappedKernelFunc = (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } | undefined
    const transposeA = attrs?.transposeA === true
    const transposeB = attrs?.transposeB === true
    if (!transposeA && !transposeB) return original.kernelFunc(args)
    const inputs = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo }
    const backend = args.backend as unknown as DisposingBackend
    const temporaries: tf.TensorInfo[] = []
    // Swap the last two axes; wasm's Transpose drops size-1 axes first and clones when nothing moves.
    const swapped = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length
      const perm = [...Array(rank).keys()]
      perm[rank - 2] = rank - 1
      perm[rank - 1] = rank - 2
      const out = transpose({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo
      temporaries.push(out)
      return out
    }
    try {
      return original.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: transposeA ? swapped(inputs.a) : inputs.a, b: transposeB ? swapped(inputs.b) : inputs.b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      })
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId)
    }
  }
  kernelFunc[ORIGINAL] = original
  return { ...original, kernelFunc }
}

/**
 * Install the fast transposed matMul for the `wasm` backend (see the module comment). Idempotent; a no-op returning
 * false when `@tensorflow/tfjs-backend-wasm` is not loaded (its kernels are registered at import, so call this after
 * importing it; before or after `tf.setBackend('wasm')` both work). Returns true when the fast kernels are active.
 * Gradients of `tf.matMul` / `tf.fused.matMul` use it because they run through the same kernels. `@cl/train`'s
 * `train` calls it.
 */
export function useFastWasmMatMul(): boolean {
  const transpose = registered('Transpose')
  if (transpose === undefined) return false
  for (const name of MATMUL_KERNELS) {
    const config = registered(name)
    if (config === undefined) return false
  }
  for (const name of MATMUL_KERNELS) {
    const config = registered(name)!
    if ((config.kernelFunc as WrappedKernelFunc)[ORIGINAL] !== undefined) continue
    replaceKernel(wrapMatMul(config, transpose.kernelFunc))
  }
  return true
}

/** Put tfjs-wasm's own `BatchMatMul` / `_FusedMatMul` back (benchmarks, tests). Idempotent; false if none was wrapped. */
export function useStockWasmMatMul(): boolean {
  let restored = false
  for (const name of MATMUL_KERNELS) {
    const original = (registered(name)?.kernelFunc as WrappedKernelFunc | undefined)?.[ORIGINAL]
    if (original === undefined) continue
    replaceKernel(original)
    restored = true
  }
  return restored
}
