export { train, DEFAULT_DIVERGENCE_THRESHOLD, type TrainJob, type TrainOptions, type TrainResult, type StepInfo } from './train.js'
export { createAdam, resolveAdamOptions, ADAM_DEFAULTS, type Adam, type AdamImplementation, type AdamOptions, type AdamState } from './adam.js'
export {
  CheckpointError,
  assertJobKey,
  JOB_KEY_PATTERN,
  type CheckpointStore,
  type CheckpointTensor,
  type CheckpointTensors,
  type TrainingCheckpoint,
} from './checkpoint.js'
export { MemoryCheckpointStore, copyCheckpoint } from './memory-store.js'
export { stepSeed, MAX_RUN_SEED } from './step-seed.js'
