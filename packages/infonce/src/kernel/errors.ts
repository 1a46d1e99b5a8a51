import { ClError } from '@cl/core'

/**
 * The fused pairwise log-sum-exp kernel could not run: its wasm memory could not grow, a worker thread failed or
 * timed out, or WebAssembly is unavailable. `reason` says which.
 */
export class PairwiseLseKernelError extends ClError {
  readonly reason: 'memory' | 'worker' | 'unavailable'
  constructor(reason: 'memory' | 'worker' | 'unavailable', message: string, options?: { cause?: unknown }) {
    super('CL_KERNEL_FAILED', `pairwise log-sum-exp kernel: ${message}`, options)
    this.name = 'PairwiseLseKernelError'
    this.reason = reason
  }
}
