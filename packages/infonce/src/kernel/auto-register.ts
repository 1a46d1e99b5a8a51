import * as tf from '@tensorflow/tfjs'
import { mainLseInstance } from './instance.js'
import { hasPairwiseLseKernel, PAIRWISE_LSE_BACKENDS, registerPairwiseLseKernels } from './register.js'

/**
 * The default fast path without ceremony: `pairwiseLogSumExp` (and so every loss with `implementation: 'fused'`)
 * registers the wasm-SIMD kernels the first time it runs on 'wasm' or 'cpu'. Nothing happens at import.
 */

/** Which path `pairwiseLogSumExp` takes on a backend: the prebuilt kernel, or the tiled stock-op version. */
export type PairwiseLseImplementation = 'kernel' | 'tiled'

/** Why the kernel could not be compiled (recorded once per process), or undefined. */
let unavailable: Error | undefined
/** Internal switch: take the tiled path on every backend (tests, benchmarks). */
let forceTiled = false

function isKernelBackend(backendName: string): boolean {
  return (PAIRWISE_LSE_BACKENDS as readonly string[]).includes(backendName)
}

/**
 * Make sure the kernels are registered when `backendName` (default: the active backend) is 'wasm' or 'cpu'
 * (idempotent). The first call compiles the wasm module synchronously; if that fails — a browser main thread's limit
 * on synchronous compiles, a runtime without WebAssembly SIMD — the failure is recorded
 * ({@link pairwiseLseKernelUnavailableReason}), nothing is registered and the tiled path is used from then on, without
 * an error. Returns whether the kernels run on `backendName` (also true for kernels registered by hand on another
 * backend). Internal: called by `pairwiseLogSumExp`.
 */
export function ensurePairwiseLseKernels(backendName: string = tf.getBackend()): boolean {
  if (forceTiled) return false
  if (hasPairwiseLseKernel(backendName)) return true
  if (!isKernelBackend(backendName) || unavailable !== undefined) return false
  try {
    mainLseInstance() // compiles and instantiates the module once per process
  } catch (cause) {
    unavailable = cause instanceof Error ? cause : new Error(String(cause))
    return false
  }
  registerPairwiseLseKernels()
  return true
}

/**
 * The path `pairwiseLogSumExp` takes on `backendName` (default: the active backend): `'kernel'` on 'wasm' and 'cpu'
 * (registering the kernels if they are not yet), `'tiled'` on other backends or where the wasm module failed to compile.
 */
export function pairwiseLseImplementation(backendName: string = tf.getBackend()): PairwiseLseImplementation {
  return ensurePairwiseLseKernels(backendName) ? 'kernel' : 'tiled'
}

/** The error that kept the kernel from compiling (then the tiled path runs), or undefined. */
export function pairwiseLseKernelUnavailableReason(): Error | undefined {
  return unavailable
}

/** Internal (tests, benchmarks): `true` makes `pairwiseLogSumExp` take the tiled path on every backend. */
export function setPairwiseLseForceTiled(force: boolean): void {
  forceTiled = force
}

/** Internal: whether {@link setPairwiseLseForceTiled} is on. */
export function pairwiseLseForceTiled(): boolean {
  return forceTiled
}
