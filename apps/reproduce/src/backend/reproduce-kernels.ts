import { useFastWasmKernels } from '@cl/core'
import { PAIRWISE_LSE_BACKENDS, setPairwiseLseThreads } from '@cl/infonce'

/**
 * Install the kernels cl-reproduce computes with on `backend`, once it is active (after `tf.setBackend` and
 * `tf.ready`). wasm: @cl/core's replacements (tfjs-wasm runs transposed matMuls — every matMul gradient — in a naive
 * loop and copies every tensor kept for a gradient). wasm and cpu: the InfoNCE logits in @cl/infonce's fused
 * wasm-SIMD kernel, with `threads` workers under Node (browsers: 1). The CLI's backend selection and the browser lab
 * both call it, so both compute with the same kernels. Returns whether the fused InfoNCE kernel is in use.
 */
export function useReproduceKernels(backend: string, threads = 1): { readonly fusedInfoNce: boolean } {
  if (backend === 'wasm') useFastWasmKernels()
  const fusedInfoNce = (PAIRWISE_LSE_BACKENDS as readonly string[]).includes(backend)
  if (fusedInfoNce) setPairwiseLseThreads(threads)
  return { fusedInfoNce }
}
