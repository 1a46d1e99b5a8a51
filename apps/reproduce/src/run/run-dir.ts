import { accessSync, constants, existsSync, mkdirSync, statfsSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ClError } from '@cl/core'

/** The file whose presence marks a run as finished; it is written last, atomically. */
export const RESULT_FILE = 'result.json'
/** Running / failed / interrupted / complete, with timestamps; updated as the run proceeds. */
export const STATUS_FILE = 'status.json'

/** A run directory that cannot be used (a finished run, someone else's files, a path that cannot be created). */
export class RunDirectoryError extends ClError {
  readonly dir: string
  /** `flag`: the option that named the directory (`--out`, or `--resume`). */
  constructor(dir: string, reason: string, flag: '--out' | '--resume' = '--out') {
    super('CL_INVALID_CONFIG', `${flag} ${dir}: ${reason}`)
    this.name = 'RunDirectoryError'
    this.dir = dir
  }
}

/** A file of a run could not be written or read back (disk full, permissions, a truncated file); names the file. */
export class RunFileError extends Error {
  readonly code = 'CL_RUN_FILE' as const
  readonly file: string
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RunFileError'
    this.file = file
  }
}

/**
 * How the runner writes files: the one seam tests replace to simulate a full disk. Every file of a run directory
 * (status, run.json, figures, report, result) goes through it, via {@link writeFileAtomic}.
 */
export interface RunWriter {
  writeFile(file: string, data: string | Uint8Array): void
}

export const nodeWriter: RunWriter = { writeFile: (file, data) => writeFileSync(file, data) }

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
  makeDirs(dir)
  return dir
}

/**
 * `mkdir -p`, one level at a time. Node's recursive mkdir retries forever where the kernel answers ENOENT for a
 * directory that exists (procfs: `--out /proc/x` spun a core); here every level is created once or the call fails,
 * naming the directory.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = []
  let at = path.resolve(dir)
  while (!existsSync(at)) {
    missing.push(at)
    const parent = path.dirname(at)
    if (parent === at) break
    at = parent
  }
  if (!statSync(at).isDirectory()) throw new RunDirectoryError(dir, `${at} is not a directory`)
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statSync(level).isDirectory()) continue
      throw new RunDirectoryError(dir, `cannot create ${level}: ${(error as Error).message}`)
    }
  }
}

/** statfs magic numbers of kernel pseudo-filesystems: nothing of a run can be stored there. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x63677270, 'cgroup2'],
  [0x27e0eb, 'cgroup'],
  [0x1cd1, 'devpts'],
])

/**
 * Check, without writing, that `dir` can be created: its nearest existing ancestor is a writable directory that is
 * not on a kernel pseudo-filesystem (`--out /proc/x`).
 */
export function assertCreatable(dir: string): void {
  let at = path.resolve(dir)
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at)
  if (!statSync(at).isDirectory()) throw new RunDirectoryError(dir, `${at} is not a directory`)
  const fs = statfsSync(at)
  const pseudo = PSEUDO_FILESYSTEMS.get(Number(fs.type))
  if (pseudo !== undefined) throw new RunDirectoryError(dir, `${at} is on ${pseudo}, a kernel pseudo-filesystem; choose a directory on a disk`)
  try {
    accessSync(at, constants.W_OK)
  } catch {
    throw new RunDirectoryError(dir, `${at} is not writable`)
  }
}

/** Throw unless `dir` does not exist or is empty (a finished run, or anything else in it, is never written into). */
export function assertFreshRunDir(dir: string): void {
  if (!existsSync(dir)) return assertCreatable(dir)
  if (!statSync(dir).isDirectory()) throw new RunDirectoryError(dir, 'exists and is not a directory')
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

/**
 * Write a file atomically (temp file + rename), so readers never see a half-written file. A failure (disk full,
 * permissions) removes the temp file and throws a {@link RunFileError} naming the file.
 */
export function writeFileAtomic(file: string, contents: string | Uint8Array, writer: RunWriter = nodeWriter): void {
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writer.writeFile(tmp, contents)
    renameSync(tmp, file)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {
      // the temp file was never created
    }
    throw new RunFileError(file, `could not write ${file}: ${(error as Error).message}`, { cause: error })
  }
}

export function writeStatus(dir: string, status: Record<string, unknown>, writer: RunWriter = nodeWriter): void {
  writeFileAtomic(path.join(dir, STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`, writer)
}

/**
 * Read a JSON file of a run directory. An unreadable or truncated file throws a {@link RunFileError} naming it and
 * saying how to continue (`howToContinue`), instead of a bare "Unexpected end of JSON input".
 */
export function readRunJson(file: string, howToContinue: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new RunFileError(file, `cannot read ${file}: ${(error as Error).message}; ${howToContinue}`, { cause: error })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new RunFileError(file, `${file} is not valid JSON (truncated? ${(error as Error).message}); ${howToContinue}`, { cause: error })
  }
}
