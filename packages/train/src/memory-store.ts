import { assertJobKey, CheckpointError, type CheckpointStore, type CheckpointTensors, type OptimizerRecord, type TrainingCheckpoint } from './checkpoint.js'

function copyTensors(tensors: CheckpointTensors): CheckpointTensors {
  const out: Record<string, { shape: number[]; values: Float32Array }> = {}
  for (const [name, t] of Object.entries(tensors)) out[name] = { shape: [...t.shape], values: t.values.slice() }
  return out
}

function copyRecord(r: OptimizerRecord): OptimizerRecord {
  return { name: r.name, hyperParameters: { ...r.hyperParameters }, excludedFromDecay: [...r.excludedFromDecay] }
}

/** A deep copy, so later changes on either side do not alias. */
export function copyCheckpoint(c: TrainingCheckpoint): TrainingCheckpoint {
  return {
    step: c.step,
    weights: copyTensors(c.weights),
    adam: { t: c.adam.t, m: copyTensors(c.adam.m), v: copyTensors(c.adam.v) },
    ...(c.optimizer === undefined ? {} : { optimizer: copyRecord(c.optimizer) }),
    lossHistory: c.lossHistory.map(([s, l]) => [s, l] as const),
    loss: c.loss,
  }
}

/** Checkpoints and results in memory (tests, browsers, a process that only needs Ctrl-C safety within itself). */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, TrainingCheckpoint>()
  private readonly results = new Map<string, string>()

  loadCheckpoint(key: string): TrainingCheckpoint | undefined {
    assertJobKey(key)
    const c = this.checkpoints.get(key)
    return c === undefined ? undefined : copyCheckpoint(c)
  }

  saveCheckpoint(key: string, checkpoint: TrainingCheckpoint): void {
    assertJobKey(key)
    this.checkpoints.set(key, copyCheckpoint(checkpoint))
  }

  loadResult<T>(key: string): T | undefined {
    assertJobKey(key)
    const r = this.results.get(key)
    return r === undefined ? undefined : (JSON.parse(r) as T)
  }

  saveResult<T>(key: string, result: T): void {
    assertJobKey(key)
    if (this.results.has(key)) throw new CheckpointError(key, `result '${key}' is already stored; results are never overwritten`)
    const json = JSON.stringify(result)
    if (json === undefined) throw new CheckpointError(key, `result '${key}' is not JSON-serialisable`)
    this.results.set(key, json)
  }
}
