import * as tf from '@tensorflow/tfjs'
import { DivergedError, InterruptedError, InvalidConfigError, NonFiniteError, useFastWasmKernels } from '@cl/core'
import { assignVariables, type NamedVariables } from '@cl/models'
import { assertJobKey, CheckpointError, type CheckpointStore, type CheckpointTensors, type OptimizerRecord, type TrainingCheckpoint } from './checkpoint.js'
import { createOptimizer, type OptimizerOptions } from './optimizer.js'
import type { Optimizer } from './optimizer-state.js'
import { resolveSchedule, scheduledRate, type LearningRateSchedule, type ResolvedSchedule } from './schedule.js'

/** What `train` optimises: named variables (see `@cl/models`' `namedVariables`) and the loss of each step. */
export interface TrainJob {
  /** The job's variables by local name; the optimizer updates the trainable ones, checkpoints hold all of them. */
  readonly variables: NamedVariables
  /**
   * The loss at 0-based `step`. Draw the step's batch from the step index (e.g. with {@link stepSeed}) so a resumed
   * job sees the same batches. Runs inside a tidy: every tensor it creates is freed.
   */
  readonly loss: (step: number) => tf.Scalar
}

/** Passed to `onStep` after every completed step. */
export interface StepInfo {
  readonly key: string
  /** Steps completed so far (1-based index of the step just taken). */
  readonly step: number
  readonly steps: number
  /** The step this call of `train` started from (> 0 after a resume). */
  readonly startStep: number
  readonly loss: number
  /**
   * The learning rate this step's update used (`learningRate`, or the schedule's rate of the step). Always set by
   * `train`; optional in the type only so that hand-made `StepInfo`s (e.g. in tests of progress displays) stay valid.
   */
  readonly learningRate?: number
}

/** Default |loss| above which training stops as diverged; InfoNCE losses of the paper's settings are O(10). */
export const DEFAULT_DIVERGENCE_THRESHOLD = 1e6

export interface TrainOptions extends OptimizerOptions {
  /** Total number of steps of the job (a resumed job runs the remaining ones). */
  readonly steps: number
  /**
   * The learning rate per step (warm-up, cosine decay) as SimSiam's LR_Scheduler; see {@link learningRateAt}.
   * Default: `learningRate` at every step.
   */
  readonly schedule?: LearningRateSchedule | undefined
  /** Names the job's checkpoint (1–128 characters from [A-Za-z0-9_.=-]); default 'train'. */
  readonly key?: string
  /** Called after each step, e.g. to drive a progress bar. */
  readonly onStep?: (info: StepInfo) => void
  /**
   * Checked before every step. When aborted, a checkpoint of the completed steps is saved (if a store is given) and
   * `train` throws an `InterruptedError`.
   */
  readonly signal?: AbortSignal
  /** Loads a checkpoint to resume from, and receives one every `checkpointEvery` steps and on abort. */
  readonly store?: CheckpointStore
  /** Steps between checkpoints; default 10 % of `steps` (at least 1). */
  readonly checkpointEvery?: number
  /** Steps between loss-history entries; default 1 % of `steps` (at least 1). The last step is always recorded. */
  readonly historyEvery?: number
  /** |loss| above this stops training with a `DivergedError` naming the step; default {@link DEFAULT_DIVERGENCE_THRESHOLD}. */
  readonly divergenceThreshold?: number
}

export interface TrainResult {
  /** (step, loss) every `historyEvery` steps and at the last step, including entries restored from a checkpoint. */
  readonly lossHistory: [number, number][]
  /** Loss of the last step. */
  readonly finalLoss: number
  /** The step this call started from (the checkpoint's step, or 0). */
  readonly startStep: number
  /** Steps run by this call. */
  readonly stepsRun: number
  readonly seconds: number
}

function positiveInt(field: string, value: unknown, fallback: number): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InvalidConfigError(field, 'an integer >= 1', value)
  return v
}

function interruptReason(signal: AbortSignal): string {
  const r: unknown = signal.reason
  if (typeof r === 'string') return r
  if (r instanceof Error) return r.message.length > 0 ? r.message : r.name
  return 'AbortSignal'
}

/** Let timers and signal handlers run: on cpu/wasm an awaited read resolves as a microtask, which never yields. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)))
}

async function readTensors(variables: Iterable<[string, tf.Variable]>): Promise<CheckpointTensors> {
  const out: Record<string, { shape: number[]; values: Float32Array }> = {}
  for (const [name, v] of variables) out[name] = { shape: [...v.shape], values: Float32Array.from(await v.data()) }
  return out
}

/**
 * Train `job` with Adam (default; PyTorch semantics and defaults β = (0.9, 0.999), ε = 1e-8, as cl-ica), SGD with
 * momentum, or LARS (`optimizer`), optionally with coupled weight decay and a learning-rate schedule. Each step
 * computes the loss and its gradients, reads the loss (for `onStep` and the stops), and applies one update at the
 * step's learning rate. Stops with a `NonFiniteError` on the first NaN/Inf loss and a `DivergedError` when |loss| >
 * `divergenceThreshold`, both naming the 1-based step, before that step's update. With a `store`, resumes from the
 * job's checkpoint; weights and the optimizer's state (t, moments or momentum buffers) are restored exactly, so a
 * resumed run ends with the same bits as an uninterrupted one. A checkpoint written by another optimizer or with
 * other hyper-parameters is refused with a `CheckpointError` naming the field.
 */
export async function train(job: TrainJob, options: TrainOptions): Promise<TrainResult> {
  const key = options.key ?? 'train'
  assertJobKey(key)
  const steps = positiveInt('steps', options.steps, 0)
  const checkpointEvery = positiveInt('checkpointEvery', options.checkpointEvery, Math.max(1, Math.floor(steps / 10)))
  const historyEvery = positiveInt('historyEvery', options.historyEvery, Math.max(1, Math.floor(steps / 100)))
  const threshold = options.divergenceThreshold ?? DEFAULT_DIVERGENCE_THRESHOLD
  if (typeof threshold !== 'number' || !(threshold > 0)) throw new InvalidConfigError('divergenceThreshold', 'a number > 0 (Infinity disables the check)', threshold)
  const vars: unknown = job.variables
  if (typeof vars !== 'object' || vars === null || typeof (vars as NamedVariables).has !== 'function' || typeof (vars as NamedVariables)[Symbol.iterator] !== 'function') {
    throw new InvalidConfigError('variables', "a Map of local name → tf.Variable (a model's namedVariables)", vars)
  }
  const trainable = [...job.variables].filter(([, v]) => v.trainable)
  if (trainable.length === 0) throw new InvalidConfigError('variables', 'at least one trainable variable', [...job.variables.keys()])
  const localName = new Map(trainable.map(([name, v]) => [v.name, name]))
  const varList = trainable.map(([, v]) => v)
  const { store, signal, onStep } = options

  // On wasm, transposed matMuls (every matMul gradient) and saved-tensor copies are slow in stock tfjs-wasm; no-op elsewhere.
  const schedule = resolveSchedule({ learningRate: options.learningRate, steps, schedule: options.schedule })
  useFastWasmKernels()
  const created = createOptimizer(job.variables, options)
  const optimizer = created.optimizer
  const record = withSchedule(created.record, schedule)
  try {
    let start = 0
    let loss = Number.NaN
    let lossHistory: [number, number][] = []
    const resumed = store === undefined ? undefined : await store.loadCheckpoint(key)
    if (resumed !== undefined) {
      restore(key, resumed, steps, job.variables, optimizer, record)
      start = resumed.step
      loss = resumed.loss
      lossHistory = resumed.lossHistory.map(([s, l]) => [s, l])
    }
    const snapshot = async (step: number): Promise<TrainingCheckpoint> => ({
      step,
      weights: await readTensors(job.variables),
      adam: await optimizer.getState(),
      optimizer: record,
      lossHistory: lossHistory.map(([s, l]) => [s, l] as const),
      loss,
    })
    const t0 = performance.now()
    for (let step = start; step < steps; step++) {
      if (signal?.aborted === true) {
        if (store !== undefined && step > start) await store.saveCheckpoint(key, await snapshot(step))
        throw new InterruptedError(interruptReason(signal))
      }
      const learningRate = scheduledRate(step, schedule)
      const { value, grads } = tf.variableGrads(() => job.loss(step), varList)
      try {
        // Async read: WebGPU in Node has no synchronous readback; on cpu/wasm this resolves at once.
        loss = (await value.data())[0]!
        if (!Number.isFinite(loss)) {
          throw new NonFiniteError(`${key}: loss at step ${step + 1}`, `is ${loss}; the run stopped (lower the learning rate or check the inputs)`)
        }
        if (Math.abs(loss) > threshold) throw new DivergedError(key, step + 1, loss, threshold)
        const named = new Map<string, tf.Tensor>()
        for (const [engineName, g] of Object.entries(grads)) named.set(localName.get(engineName)!, g)
        optimizer.apply(named, learningRate)
      } finally {
        value.dispose()
        tf.dispose(Object.values(grads))
      }
      const done = step + 1
      if (done % historyEvery === 0 || done === steps) lossHistory.push([done, loss])
      onStep?.({ key, step: done, steps, startStep: start, loss, learningRate })
      if (store !== undefined && done % checkpointEvery === 0 && done < steps) await store.saveCheckpoint(key, await snapshot(done))
      await yieldToEventLoop()
    }
    return { lossHistory, finalLoss: loss, startStep: start, stepsRun: steps - start, seconds: (performance.now() - t0) / 1000 }
  } finally {
    optimizer.dispose()
  }
}

/** The optimizer's record plus the resolved schedule (`schedule.<field>`), for checkpoints. */
function withSchedule(record: OptimizerRecord, schedule: ResolvedSchedule): OptimizerRecord {
  const hyperParameters: Record<string, number | string> = { ...record.hyperParameters }
  hyperParameters['schedule.warmupSteps'] = schedule.warmupSteps
  hyperParameters['schedule.warmupStartLearningRate'] = schedule.warmupStartLearningRate
  hyperParameters['schedule.decay'] = schedule.decay
  if (schedule.decay === 'cosine') {
    hyperParameters['schedule.finalLearningRate'] = schedule.finalLearningRate
    hyperParameters['schedule.cosineSteps'] = schedule.cosineSteps
  }
  return { ...record, hyperParameters }
}

const show = (x: unknown) => (typeof x === 'string' ? `'${x}'` : x === undefined ? 'not set' : String(x))

/**
 * Refuse a checkpoint written by another optimizer or with other settings. A checkpoint without a record was written
 * before records existed, by Adam: it loads into Adam without further checks.
 */
function checkRecord(key: string, saved: OptimizerRecord | undefined, current: OptimizerRecord): void {
  const how = `; use another key (or remove the checkpoint) to start a new job`
  const savedName = saved?.name ?? 'adam'
  if (savedName !== current.name) {
    throw new CheckpointError(key, `checkpoint of job '${key}' was written by optimizer '${savedName}', this job uses '${current.name}'${how}`, { field: 'optimizer' })
  }
  if (saved === undefined) return
  const fields = new Set([...Object.keys(saved.hyperParameters), ...Object.keys(current.hyperParameters)])
  for (const field of fields) {
    const was = saved.hyperParameters[field]
    const now = current.hyperParameters[field]
    if (was !== now) {
      throw new CheckpointError(key, `checkpoint of job '${key}' was written with ${field} = ${show(was)}, this job has ${show(now)}${how}`, { field: `optimizer.hyperParameters.${field}` })
    }
  }
  const was = [...saved.excludedFromDecay].sort().join(', ')
  const now = current.excludedFromDecay.join(', ')
  if (was !== now) {
    throw new CheckpointError(key, `checkpoint of job '${key}' excluded [${was}] from weight decay, this job excludes [${now}]${how}`, { field: 'optimizer.excludedFromDecay' })
  }
}

function restore(key: string, checkpoint: TrainingCheckpoint, steps: number, variables: NamedVariables, optimizer: Optimizer, record: OptimizerRecord): void {
  if (!Number.isInteger(checkpoint.step) || checkpoint.step < 0 || checkpoint.step > steps) {
    throw new CheckpointError(key, `checkpoint of job '${key}' is at step ${checkpoint.step}, outside [0, ${steps}] for this job; remove it to restart the job from step 0`)
  }
  checkRecord(key, checkpoint.optimizer, record)
  // The optimizer's state first (it is ours, discarded if anything fails); then the weights, validated before any changes.
  optimizer.setState(checkpoint.adam)
  assignVariables(variables, checkpoint.weights, `checkpoint '${key}'.weights`)
}
