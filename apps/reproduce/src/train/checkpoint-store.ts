import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { writeFileAtomic } from '../run/run-dir.js'

/** Serialised tensors: name → shape and values (float32 values survive the JSON round trip exactly). */
export type SerializedTensors = Record<string, { shape: number[]; values: number[] }>

/** Mid-training state of one training job, enough to continue it bit-for-bit. */
export interface TrainingCheckpoint {
  readonly step: number
  readonly weights: SerializedTensors
  /** Adam's state in `getWeights()` order (iterations, first moments, second moments); names repeat, so a list. */
  readonly optimizer: { name: string; shape: number[]; values: number[] }[]
  readonly lossHistory: [number, number][]
}

/**
 * Checkpoints and finished sub-results of a run, kept in `<runDir>/checkpoints/`. A sweep (several training jobs)
 * resumes by skipping the jobs whose result is stored and continuing the one with a checkpoint.
 */
export class CheckpointStore {
  readonly dir: string
  constructor(runDir: string) {
    this.dir = path.join(runDir, 'checkpoints')
    mkdirSync(this.dir, { recursive: true })
  }

  private file(key: string, kind: 'ckpt' | 'done'): string {
    if (!/^[\w.=-]+$/.test(key)) throw new Error(`checkpoint key must be [A-Za-z0-9_.=-]+, got '${key}'`)
    return path.join(this.dir, `${key}.${kind}.json`)
  }

  saveCheckpoint(key: string, checkpoint: TrainingCheckpoint): void {
    writeFileAtomic(this.file(key, 'ckpt'), JSON.stringify(checkpoint))
  }

  loadCheckpoint(key: string): TrainingCheckpoint | undefined {
    const f = this.file(key, 'ckpt')
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as TrainingCheckpoint) : undefined
  }

  saveResult<T>(key: string, result: T): void {
    writeFileAtomic(this.file(key, 'done'), JSON.stringify(result))
  }

  loadResult<T>(key: string): T | undefined {
    const f = this.file(key, 'done')
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as T) : undefined
  }
}
