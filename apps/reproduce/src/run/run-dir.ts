import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ClError } from '@cl/core'

/** The file whose presence marks a run as finished; it is written last, atomically. */
export const RESULT_FILE = 'result.json'
/** Running / failed / complete, with timestamps; updated as the run proceeds. */
export const STATUS_FILE = 'status.json'

/** A run directory that must not be written into (a finished run, or someone else's files). */
export class RunDirectoryError extends ClError {
  readonly dir: string
  constructor(dir: string, reason: string) {
    super('CL_INVALID_CONFIG', `--out ${dir}: ${reason}`)
    this.name = 'RunDirectoryError'
    this.dir = dir
  }
}

/** True when `dir` holds a finished run. */
export function isRunComplete(dir: string): boolean {
  return existsSync(path.join(dir, RESULT_FILE))
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-')
}

/**
 * Create a fresh run directory. With `out`, that exact directory is used and must not exist or be empty; without it,
 * `runs/<experiment>/<timestamp>-<preset>-seed<seed>` (suffixed -2, -3, … if taken). Never reuses a finished run.
 */
export function createRunDir(options: { out?: string; experiment: string; preset: string; seed: number; now?: Date }): string {
  let dir: string
  if (options.out !== undefined) {
    dir = path.resolve(options.out)
    assertFreshRunDir(dir)
  } else {
    dir = defaultRunDir(options)
  }
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Throw unless `dir` does not exist or is empty (a finished run, or anything else in it, is never written into). */
export function assertFreshRunDir(dir: string): void {
  if (!existsSync(dir)) return
  if (isRunComplete(dir)) throw new RunDirectoryError(dir, 'already holds a finished run (result.json); results are never overwritten, choose a new directory')
  if (readdirSync(dir).length > 0) throw new RunDirectoryError(dir, 'exists and is not empty; choose a new directory')
}

/** The first free `runs/<experiment>/<timestamp>-<preset>-seed<seed>[-k]` (not created). */
export function defaultRunDir(options: { experiment: string; preset: string; seed: number; now?: Date }): string {
  const base = path.resolve('runs', options.experiment, `${stamp(options.now ?? new Date())}-${options.preset}-seed${options.seed}`)
  let dir = base
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`
  return dir
}

/** Write a file atomically (temp file + rename), so readers never see a half-written file. */
export function writeFileAtomic(file: string, contents: string): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, contents)
  renameSync(tmp, file)
}

export function writeStatus(dir: string, status: Record<string, unknown>): void {
  writeFileAtomic(path.join(dir, STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`)
}
