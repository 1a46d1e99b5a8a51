import { ClError, InvalidConfigError } from '@cl/core'

/** A float32 tensor in a checkpoint: shape and row-major values (kept as float32 bits, so restores are exact). */
export interface CheckpointTensor {
  readonly shape: readonly number[]
  readonly values: Float32Array
}

/** Tensors by local name (the `@cl/models` naming: `dense_0/kernel`, not engine-global variable names). */
export type CheckpointTensors = Readonly<Record<string, CheckpointTensor>>

/** Everything needed to continue a training job bit for bit: weights, Adam's t and moments, the loss history. */
export interface TrainingCheckpoint {
  /** Steps completed (the next step to run, 0-based). */
  readonly step: number
  /** Every variable of the job (trainable or not), by local name. */
  readonly weights: CheckpointTensors
  /** Adam's state: integer step count and the moments of the trainable variables. */
  readonly adam: { readonly t: number; readonly m: CheckpointTensors; readonly v: CheckpointTensors }
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
  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super('CL_CHECKPOINT', message, options)
    this.name = 'CheckpointError'
    this.location = location
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
