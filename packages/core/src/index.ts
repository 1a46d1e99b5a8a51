export {
  ClError,
  InvalidConfigError,
  ShapeMismatchError,
  NonFiniteError,
  BackendUnavailableError,
  MissingKernelsError,
  TensorLeakError,
  InterruptedError,
  DivergedError,
  isClError,
  type ClErrorCode,
} from './errors.js'
export { parseConfig } from './config.js'
export { createRng, type Rng } from './prng.js'
export { countLeakedTensors, countLeakedTensorsAsync, withTidy } from './leak.js'
export { disposeBatch, type PositivePairBatch, type LatentPairs, type ContentStyleSplit } from './batch.js'
