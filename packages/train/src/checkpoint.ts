import { ClError, InvalidConfigError } from '@cl/core'

/** A float32 tensor in a checkpoint: shape and row-major values (kept as float32 bits, so restores are exact). */
export interface CheckpointTensor {
  readonly shape: readonly number[]
  readonly values: Float32Array
}

/** Tensors by local name (the `@cl/models` naming: `dense_0/kernel`, not engine-global variable names). */
export type CheckpointTensors = Readonly<Record<string, CheckpointTensor>>

/** The optimizers `train` offers: Adam (default), SGD with momentum, and SimSiam's LARS_simclr. */
export type OptimizerName = 'adam' | 'sgd' | 'lars'

/**
 * Which optimizer wrote a checkpoint and with which settings. A checkpoint is only resumed by the same optimizer with
 * the same settings (anything else would not continue the run it belongs to).
 */
export interface OptimizerRecord {
  readonly name: OptimizerName
  /** Every setting that changes an update (learning rate and schedule included), by option name. */
  readonly hyperParameters: Readonly<Record<string, number | string>>
  /** The trainable variables excluded from weight decay (and, for LARS, from the trust ratio), sorted. */
  readonly excludedFromDecay: readonly string[]
}

/** Everything needed to continue a training job bit for bit: weights, the optimizer's state, the loss history. */
export interface TrainingCheckpoint {
  /** Steps completed (the next step to run, 0-based). */
  readonly step: number
  /** Every variable of the job (trainable or not), by local name. */
  readonly weights: CheckpointTensors
  /**
   * The optimizer's state (the field keeps its first name so that older checkpoints load): the integer step count t
   * and per-trainable-variable slots. Adam: its moments m and v. SGD and LARS: the momentum buffer in m, v empty.
   */
  readonly adam: { readonly t: number; readonly m: CheckpointTensors; readonly v: CheckpointTensors }
  /** Absent in checkpoints written before `optimizer` existed: those are Adam's and load as Adam. */
  readonly optimizer?: OptimizerRecord
  /** (step, loss) pairs recorded so far. */
  readonly lossHistory: readonly (readonly [number, number])[]
  /** Loss of the last completed step. */
  readonly loss: number
}

/**
 * Where training jobs keep their checkpoints and where a sweep of jobs keeps finished sub-results, both by job key.
 * Methods may be synchronous (memory, files) or return promises (e.g. IndexedDB); `train` awaits them.
 */
export interface CheckpointStore {
  loadCheckpoint(key: string): TrainingCheckpoint | undefined | Promise<TrainingCheckpoint | undefined>
  saveCheckpoint(key: string, checkpoint: TrainingCheckpoint): void | Promise<void>
  /** A finished sub-result stored under `key`, if any. */
  loadResult<T>(key: string): T | undefined | Promise<T | undefined>
  /** Store a finished sub-result (JSON-able); a stored result is never overwritten. */
  saveResult<T>(key: string, result: T): void | Promise<void>
}

/** A checkpoint or result cannot be read or written; the message names the file or key and how to continue. */
export class CheckpointError extends ClError {
  /** The file (or, for in-memory stores, the key) concerned. */
  readonly location: string
  /** The checkpoint field that does not fit (e.g. `optimizer.hyperParameters.momentum`), when one is to blame. */
  readonly field: string | undefined
  constructor(location: string, message: string, options?: { cause?: unknown; field?: string }) {
    super('CL_CHECKPOINT', message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CheckpointError'
    this.location = location
    this.field = options?.field
  }
}

/** Job keys name files: 1–128 characters from [A-Za-z0-9_.=-], not starting with a dot. */
export const JOB_KEY_PATTERN = /^[A-Za-z0-9_=-][A-Za-z0-9_.=-]{0,127}$/

/** Throw {@link InvalidConfigError} unless `key` matches {@link JOB_KEY_PATTERN}. */
export function assertJobKey(key: unknown, field = 'key'): asserts key is string {
  if (typeof key !== 'string' || !JOB_KEY_PATTERN.test(key)) {
    throw new InvalidConfigError(field, '1–128 characters from [A-Za-z0-9_.=-], not starting with "."', key)
  }
}
