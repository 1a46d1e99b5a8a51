export { train, DEFAULT_DIVERGENCE_THRESHOLD, type TrainJob, type TrainOptions, type TrainResult, type StepInfo } from './train.js'
export { createAdam, resolveAdamOptions, ADAM_DEFAULTS, type Adam, type AdamImplementation, type AdamOptions, type AdamState } from './adam.js'
export { createOptimizer, resolveOptimizerName, OPTIMIZER_NAMES, type OptimizerOptions } from './optimizer.js'
export { checkStepRate, type DecayOptions, type Optimizer, type OptimizerState } from './optimizer-state.js'
export { createSgd, DEFAULT_MOMENTUM, type Sgd, type SgdOptions } from './sgd.js'
export { createLars, DEFAULT_LARS_ETA, type Lars, type LarsOptions } from './lars.js'
export { learningRateAt, resolveSchedule, type LearningRateSchedule, type ResolvedSchedule } from './schedule.js'
export {
  CheckpointError,
  assertJobKey,
  JOB_KEY_PATTERN,
  type CheckpointStore,
  type CheckpointTensor,
  type CheckpointTensors,
  type OptimizerName,
  type OptimizerRecord,
  type TrainingCheckpoint,
} from './checkpoint.js'
export { MemoryCheckpointStore, copyCheckpoint } from './memory-store.js'
export { stepSeed, MAX_RUN_SEED } from './step-seed.js'
