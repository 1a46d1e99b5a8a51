export {
  ClError,
  InvalidConfigError,
  ShapeMismatchError,
  NonFiniteError,
  TensorLeakError,
  InterruptedError,
  DivergedError,
  isClError,
  type ClErrorCode,
  type KnownClErrorCode,
} from './errors.js'
export { parseConfig } from './config.js'
export { assertIntegerInRange, assertOptionKeys, assertPositive } from './validate.js'
export { createRng, type Rng } from './prng.js'
export { countLeakedTensors, countLeakedTensorsAsync, withTidy } from './leak.js'
export { disposeBatch, type PositivePairBatch, type LatentPairs, type ContentStyleSplit } from './batch.js'
export {
  enableWasmThreads,
  MAX_WASM_THREADS,
  type WasmThreadsOptions,
  type WasmThreadsStatus,
} from './wasm-threads.js'
export { useFastWasmMatMul, useStockWasmMatMul, isFastWasmMatMulActive } from './wasm-matmul.js'
export { useSharedWasmIdentity, useStockWasmIdentity, isSharedWasmIdentityActive } from './wasm-identity.js'
export {
  useWasmConvGradients,
  hasWasmConvGradients,
  isWasmConvBackpropFilterOurs,
  removeWasmConvGradients,
} from './wasm-conv-backprop-filter.js'
export { useFastWasmConvInput, useStockWasmConvInput, isFastWasmConvInputActive } from './wasm-conv-backprop-input.js'
export { useFastWasmKernels } from './wasm-kernels.js'
