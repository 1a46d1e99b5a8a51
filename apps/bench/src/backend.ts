import * as tf from '@tensorflow/tfjs'
import { enableWasmThreads } from '@cl/core'
import { BenchBackendError } from './errors.js'

/**
 * Backends the bench measures. WebGPU and tfjs-node are not offered: the reproduce app's backend selection (WebGPU
 * adapter probing, Dawn routes, buffer guards) is internal to `@cl/reproduce` and not exported, and tfjs-node cannot be
 * installed offline. Both are documented in docs/benchmarks.md.
 */
export const BENCH_BACKENDS = ['cpu', 'wasm'] as const
export type BenchBackend = (typeof BENCH_BACKENDS)[number]

/**
 * Register (wasm: import its package) and activate `name`; throws {@link BenchBackendError} with the reason. On wasm,
 * `threads` > 1 starts tfjs-wasm's threaded XNNPACK build (`enableWasmThreads`); it must come before any other use of
 * wasm in the process (each bench row runs in its own process).
 */
export async function useBackend(name: BenchBackend, threads = 1): Promise<void> {
  if (name === 'wasm' && tf.findBackendFactory('wasm') == null) {
    try {
      await import('@tensorflow/tfjs-backend-wasm')
    } catch (error) {
      throw new BenchBackendError(name, `@tensorflow/tfjs-backend-wasm failed to load: ${String(error).split('\n')[0]}`, { cause: error })
    }
  }
  if (name === 'wasm' && threads > 1) {
    const status = await enableWasmThreads({ threads: Math.min(threads, 8) })
    if (status.threads === 0) throw new BenchBackendError(name, `initialisation failed: ${status.detail}`)
    return
  }
  let ok = false
  try {
    // tf.setBackend resolves false (it does not throw) when a backend fails to initialise.
    ok = await tf.setBackend(name)
    if (ok) await tf.ready()
  } catch (error) {
    throw new BenchBackendError(name, `initialisation failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  if (!ok) throw new BenchBackendError(name, 'tf.setBackend returned false (initialisation failed)')
}

/** The backends of `BENCH_BACKENDS` that initialise here, with the reasons of the others. */
export async function availableBackends(): Promise<{ available: BenchBackend[]; skipped: { backend: BenchBackend; reason: string }[] }> {
  const available: BenchBackend[] = []
  const skipped: { backend: BenchBackend; reason: string }[] = []
  for (const b of BENCH_BACKENDS) {
    try {
      await useBackend(b)
      available.push(b)
    } catch (error) {
      skipped.push({ backend: b, reason: error instanceof BenchBackendError ? error.reason : String(error) })
    }
  }
  return { available, skipped }
}
