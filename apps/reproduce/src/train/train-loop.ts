import * as tf from '@tensorflow/tfjs'
import { NonFiniteError } from '@cl/core'
import type { CheckpointStore, SerializedTensors, TrainingCheckpoint } from './checkpoint-store.js'
import { throwIfStopRequested } from './interrupt.js'
import { createProgress } from './progress.js'

/** One training job: Adam on `variables`, minimising `loss(step)` (which samples its own batch for that step). */
export interface TrainJob {
  /** Unique within a run; names the checkpoint. */
  readonly key: string
  readonly steps: number
  readonly learningRate: number
  readonly variables: readonly tf.Variable[]
  /**
   * The loss at `step`, sampling its batch deterministically from the step index (so a resumed job sees the same
   * batches). Called inside the optimizer's tidy: every tensor it creates is freed.
   */
  readonly loss: (step: number) => tf.Scalar
}

export interface TrainContext {
  readonly log: (line: string) => void
  readonly store?: CheckpointStore
  /** Steps between checkpoints (default: 10 % of the job). */
  readonly checkpointEvery?: number
  /** Progress label; defaults to the job key. */
  readonly label?: string
  readonly tty?: boolean
}

export interface TrainOutcome {
  /** (step, loss) every `historyEvery` steps and at the last step. */
  readonly lossHistory: [number, number][]
  readonly finalLoss: number
  /** Steps run in this process (less than `steps` after a resume). */
  readonly stepsRun: number
  readonly seconds: number
}

async function serialize(named: readonly { name: string; tensor: tf.Tensor }[]): Promise<SerializedTensors> {
  const out: SerializedTensors = {}
  for (const { name, tensor } of named) out[name] = { shape: tensor.shape, values: Array.from(await tensor.data()) }
  return out
}

/**
 * Train with Adam (PyTorch defaults β = (0.9, 0.999), ε = 1e-8, as cl-ica; reference.md §2.7). Reads the loss every
 * step (cheap on cpu/wasm) for progress and to stop on the first NaN/Inf with a {@link NonFiniteError} naming the
 * step. Checkpoints weights + Adam state periodically and resumes from a stored checkpoint.
 */
export async function train(job: TrainJob, ctx: TrainContext): Promise<TrainOutcome> {
  const optimizer = tf.train.adam(job.learningRate, 0.9, 0.999, 1e-8)
  const variables = [...job.variables]
  const historyEvery = Math.max(1, Math.floor(job.steps / 100))
  const checkpointEvery = ctx.checkpointEvery ?? Math.max(1, Math.floor(job.steps / 10))
  let lossHistory: [number, number][] = []
  let start = 0
  const resumed = ctx.store?.loadCheckpoint(job.key)
  if (resumed !== undefined) {
    await restore(resumed, variables, optimizer)
    start = resumed.step
    lossHistory = resumed.lossHistory
    ctx.log(`${job.key}: resumed at step ${start}/${job.steps}`)
  }
  const progress = createProgress({ label: ctx.label ?? job.key, total: job.steps, startStep: start, log: ctx.log, ...(ctx.tty !== undefined ? { tty: ctx.tty } : {}) })
  const t0 = performance.now()
  let loss = Number.NaN
  try {
    for (let step = start; step < job.steps; step++) {
      const cost = optimizer.minimize(() => job.loss(step), true, variables)
      if (cost === null) throw new Error('optimizer returned no cost')
      // Async read: WebGPU in Node has no synchronous readback; on cpu/wasm this resolves at once.
      loss = (await cost.data())[0]!
      cost.dispose()
      if (!Number.isFinite(loss)) {
        throw new NonFiniteError(`${job.key}: loss at step ${step + 1}`, `is ${loss}; the run stopped (lower the learning rate or check the inputs)`)
      }
      progress.update(step + 1, loss)
      // Let signal handlers (Ctrl-C → mark the run interrupted) and timers run: on cpu/wasm the awaited read above
      // resolves as a microtask, which never yields to the event loop.
      await new Promise<void>((resolve) => setImmediate(resolve))
      try {
        throwIfStopRequested()
      } catch (stop) {
        // Keep the progress of an interrupted job: checkpoint where it stopped, then unwind.
        if (ctx.store !== undefined && step + 1 < job.steps) ctx.store.saveCheckpoint(job.key, await snapshot(step + 1, variables, optimizer, lossHistory))
        throw stop
      }
      if ((step + 1) % historyEvery === 0 || step + 1 === job.steps) lossHistory.push([step + 1, loss])
      if (ctx.store !== undefined && (step + 1) % checkpointEvery === 0 && step + 1 < job.steps) {
        ctx.store.saveCheckpoint(job.key, await snapshot(step + 1, variables, optimizer, lossHistory))
      }
    }
  } finally {
    progress.stop()
    optimizer.dispose()
  }
  return { lossHistory, finalLoss: loss, stepsRun: job.steps - start, seconds: (performance.now() - t0) / 1000 }
}

async function snapshot(step: number, variables: readonly tf.Variable[], optimizer: tf.Optimizer, lossHistory: [number, number][]): Promise<TrainingCheckpoint> {
  // Adam's getWeights returns a fresh iterations scalar followed by its live moment variables: free only the scalar.
  const state = await optimizer.getWeights()
  try {
    return {
      step,
      weights: await serialize(variables.map((v) => ({ name: v.name, tensor: v }))),
      optimizer: await Promise.all(state.map(async (s) => ({ name: s.name, shape: s.tensor.shape, values: Array.from(await s.tensor.data()) }))),
      lossHistory: [...lossHistory],
    }
  } finally {
    state[0]?.tensor.dispose()
  }
}

async function restore(checkpoint: TrainingCheckpoint, variables: readonly tf.Variable[], optimizer: tf.Optimizer): Promise<void> {
  for (const v of variables) {
    const w = checkpoint.weights[v.name]
    if (w === undefined) throw new Error(`checkpoint lacks variable ${v.name}`)
    tf.tidy(() => v.assign(tf.tensor(w.values, w.shape)))
  }
  const named = checkpoint.optimizer.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape) }))
  // Adam.setWeights wraps each moment in a new variable sharing its data; our handles can be released afterwards.
  try {
    await optimizer.setWeights(named)
  } finally {
    tf.dispose(named.map((n) => n.tensor))
  }
}
