/** Public surface of the wasm-SIMD fused pairwise log-sum-exp (re-exported by the package index). */
export { registerPairwiseLseKernels, hasPairwiseLseKernel, PAIRWISE_LSE_BACKENDS } from './register.js'
export {
  setPairwiseLseThreads,
  getPairwiseLseThreads,
  MAX_PAIRWISE_LSE_THREADS,
  DEFAULT_MAX_PAIRWISE_LSE_THREADS,
} from './threads.js'
export { disposePairwiseLsePool } from './pool-node.js'
export { PairwiseLseKernelError } from './errors.js'
export {
  pairwiseLseImplementation,
  pairwiseLseKernelUnavailableReason,
  type PairwiseLseImplementation,
} from './auto-register.js'
