import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { assertJobKey, CheckpointError, type CheckpointStore, type CheckpointTensors, type OptimizerName, type OptimizerRecord, type TrainingCheckpoint } from './checkpoint.js'

/** Format tag of checkpoint files; a file without it (or with another) is rejected with a {@link CheckpointError}. */
export const CHECKPOINT_FORMAT = 'cl-train-checkpoint/1'

interface EncodedTensor {
  shape: number[]
  /** float32 values, little-endian, base64: exact bits (including −0) in a quarter of the size of decimal JSON. */
  float32: string
}

function encode(tensors: CheckpointTensors): Record<string, EncodedTensor> {
  const out: Record<string, EncodedTensor> = {}
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = Buffer.alloc(t.values.length * 4)
    for (let i = 0; i < t.values.length; i++) bytes.writeFloatLE(t.values[i]!, i * 4)
    out[name] = { shape: [...t.shape], float32: bytes.toString('base64') }
  }
  return out
}

/** A malformed part of a checkpoint file; `loadCheckpoint` wraps it in a {@link CheckpointError} naming the file. */
function malformed(field: string, detail: string): CheckpointError {
  return new CheckpointError(field, `${field} ${detail}`)
}

function decode(raw: unknown, where: string): CheckpointTensors {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw malformed(where, 'is not an object')
  const out: Record<string, { shape: number[]; values: Float32Array }> = {}
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    const e = entry as Partial<EncodedTensor> | null
    if (e === null || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0) || typeof e.float32 !== 'string') {
      throw malformed(`${where}.${name}`, 'is not { shape, float32 }')
    }
    const bytes = Buffer.from(e.float32, 'base64')
    const size = e.shape.reduce((a, b) => a * b, 1)
    if (bytes.length !== size * 4) throw malformed(`${where}.${name}`, `holds ${bytes.length / 4} values, its shape [${e.shape.join(', ')}] needs ${size}`)
    const values = new Float32Array(size)
    for (let i = 0; i < size; i++) values[i] = bytes.readFloatLE(i * 4)
    out[name] = { shape: e.shape, values }
  }
  return out
}

const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd', 'lars']

/** The optional `optimizer` record (absent in files written before it existed: Adam's). */
function parseRecord(raw: unknown): OptimizerRecord {
  const r = raw as { name?: unknown; hyperParameters?: unknown; excludedFromDecay?: unknown } | null
  if (typeof r !== 'object' || r === null || !OPTIMIZERS.includes(r.name as OptimizerName)) throw malformed('optimizer', `is not { name: ${OPTIMIZERS.join(' | ')}, … }`)
  const h = r.hyperParameters
  if (typeof h !== 'object' || h === null || Array.isArray(h) || !Object.values(h).every((x) => typeof x === 'number' || typeof x === 'string')) {
    throw malformed('optimizer.hyperParameters', 'is not an object of numbers and strings')
  }
  const e = r.excludedFromDecay
  if (!Array.isArray(e) || !e.every((x) => typeof x === 'string')) throw malformed('optimizer.excludedFromDecay', 'is not a list of names')
  return { name: r.name as OptimizerName, hyperParameters: h as Record<string, number | string>, excludedFromDecay: e as string[] }
}

function parseCheckpoint(text: string): TrainingCheckpoint {
  const raw = JSON.parse(text) as Record<string, unknown>
  if (typeof raw !== 'object' || raw === null || raw.format !== CHECKPOINT_FORMAT) throw new CheckpointError('format', `not a ${CHECKPOINT_FORMAT} file`)
  const { step, loss, lossHistory, weights, adam, optimizer } = raw as {
    step: unknown
    loss: unknown
    lossHistory: unknown
    weights: unknown
    adam: { t?: unknown; m?: unknown; v?: unknown } | null
    optimizer?: unknown
  }
  if (!Number.isInteger(step) || (step as number) < 0) throw malformed('step', 'is not an integer >= 0')
  if (typeof loss !== 'number') throw malformed('loss', 'is not a number')
  if (!Array.isArray(lossHistory) || !lossHistory.every((e) => Array.isArray(e) && e.length === 2 && e.every((x) => typeof x === 'number'))) {
    throw malformed('lossHistory', 'is not a list of [step, loss]')
  }
  if (typeof adam !== 'object' || adam === null || !Number.isInteger(adam.t)) throw malformed('adam', 'is not { t, m, v }')
  return {
    step: step as number,
    loss,
    lossHistory: lossHistory as [number, number][],
    weights: decode(weights, 'weights'),
    adam: { t: adam.t as number, m: decode(adam.m, 'adam.m'), v: decode(adam.v, 'adam.v') },
    ...(optimizer === undefined ? {} : { optimizer: parseRecord(optimizer) }),
  }
}

/**
 * Write `contents` to `file` atomically: a temporary file beside it, fsync, rename over the target, fsync of the
 * directory. A crash leaves either the old file or the new one, never a truncated one. Failures name the file.
 */
export function writeFileAtomic(file: string, contents: string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`
  try {
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, contents)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw new CheckpointError(file, `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  try {
    const dirFd = openSync(path.dirname(file), 'r')
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
  } catch {
    // Directory fsync is not supported everywhere (e.g. Windows); the rename itself is already atomic.
  }
}

/**
 * Checkpoints (`<key>.ckpt.json`) and finished sub-results (`<key>.done.json`) as files in `dir` (created if absent).
 * Writes are atomic; a truncated or foreign file is reported with a {@link CheckpointError} that names the file and
 * says how to continue.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly dir: string
  constructor(dir: string) {
    this.dir = dir
    try {
      mkdirSync(dir, { recursive: true })
    } catch (error) {
      throw new CheckpointError(dir, `cannot create the checkpoint directory ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    }
  }

  /** The file of a job's checkpoint or result. */
  file(key: string, kind: 'ckpt' | 'done'): string {
    assertJobKey(key)
    return path.join(this.dir, `${key}.${kind}.json`)
  }

  private read(file: string): string | undefined {
    if (!existsSync(file)) return undefined
    try {
      return readFileSync(file, 'utf8')
    } catch (error) {
      throw new CheckpointError(file, `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    }
  }

  loadCheckpoint(key: string): TrainingCheckpoint | undefined {
    const file = this.file(key, 'ckpt')
    const text = this.read(file)
    if (text === undefined) return undefined
    try {
      return parseCheckpoint(text)
    } catch (error) {
      throw new CheckpointError(
        file,
        `checkpoint ${file} is truncated or corrupt (${error instanceof Error ? error.message : String(error)}); delete that file to restart job '${key}' from step 0`,
        { cause: error },
      )
    }
  }

  saveCheckpoint(key: string, checkpoint: TrainingCheckpoint): void {
    const file = this.file(key, 'ckpt')
    const body = {
      format: CHECKPOINT_FORMAT,
      step: checkpoint.step,
      loss: checkpoint.loss,
      lossHistory: checkpoint.lossHistory,
      weights: encode(checkpoint.weights),
      adam: { t: checkpoint.adam.t, m: encode(checkpoint.adam.m), v: encode(checkpoint.adam.v) },
      optimizer: checkpoint.optimizer,
    }
    writeFileAtomic(file, JSON.stringify(body))
  }

  loadResult<T>(key: string): T | undefined {
    const file = this.file(key, 'done')
    const text = this.read(file)
    if (text === undefined) return undefined
    try {
      return JSON.parse(text) as T
    } catch (error) {
      throw new CheckpointError(
        file,
        `result ${file} is truncated or corrupt (${error instanceof Error ? error.message : String(error)}); delete that file to recompute job '${key}'`,
        { cause: error },
      )
    }
  }

  saveResult<T>(key: string, result: T): void {
    const file = this.file(key, 'done')
    if (existsSync(file)) throw new CheckpointError(file, `result ${file} already exists; results are never overwritten`)
    const json = JSON.stringify(result)
    if (json === undefined) throw new CheckpointError(file, `result of job '${key}' is not JSON-serialisable`)
    writeFileAtomic(file, json)
  }
}
