import * as tf from '@tensorflow/tfjs'
import { useWasmConvGradients } from '@cl/core'
import { pairwiseLseImplementation, pairwiseLseKernelUnavailableReason } from '@cl/infonce'
import { useReproduceKernels } from '@cl/reproduce/browser'
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import { firstLine, type Availability } from './availability.js'

let pathsSet = false

/**
 * tfjs-backend-wasm with its binaries served by Vite (`setWasmPaths` before `tf.setBackend`/`tf.ready`, toolchain
 * pitfall 14), single-threaded, and once selected the kernels the CLI installs (`useReproduceKernels`: `@cl/core`'s
 * wasm kernels, the fused InfoNCE kernel on 1 thread): same seed, same backend, same numbers.
 */
export async function registerWasm(): Promise<Availability> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    if (!pathsSet) {
      // The CLI's default is one thread (tfjs' SIMD module); the threaded build would need cross-origin isolation.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
      wasm.setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': simdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl })
      pathsSet = true
    }
    if (tf.findBackendFactory('wasm') == null) return { ok: false, reason: '@tensorflow/tfjs-backend-wasm registered no backend' }
    useWasmConvGradients()
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(error)}` }
  }
  let detail = 'WebAssembly (XNNPACK, single-threaded)'
  return {
    ok: true,
    get detail() {
      return detail
    },
    afterSelect: async () => {
      useReproduceKernels('wasm', 1)
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true
      const kernel = pairwiseLseImplementation('wasm') === 'kernel' ? 'fused InfoNCE kernel: 1 thread' : `tiled InfoNCE (${pairwiseLseKernelUnavailableReason()?.message ?? 'kernel unavailable'})`
      detail = `WebAssembly (XNNPACK, ${simd ? 'SIMD, ' : ''}single-threaded); ${kernel}`
    },
  }
}
