import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { PRESET_NAMES } from '../experiments/experiment.js'
import { RESULT_FILE, RunDirectoryError, RunFileError, STATUS_FILE, readRunJson, writeFileAtomic, type RunWriter } from '../run/run-dir.js'
import { isRunProcessGone } from '../run/run-lock.js'

/** The file that makes a directory a sweep: written first, before any task runs; never rewritten with other settings. */
export const SWEEP_FILE = 'sweep.json'
/** Task run directories: `<sweep>/tasks/<index>`, each an ordinary `cl-reproduce run` directory. */
export const TASKS_DIR = 'tasks'
/** Per-task logs (`task-<index>.log`, appended on every attempt) and the collect job's log. */
export const LOGS_DIR = 'logs'
/** What each submission to a scheduler recorded (job ids, script, tasks), appended per `sweep` call. */
export const SUBMISSIONS_FILE = 'submissions.json'

/** One grid axis: a dotted config key (as `--set` takes it) and its values, in the order given. */
const gridAxisSchema = z.strictObject({ key: z.string().min(1), values: z.array(z.unknown()).min(1) })

/** One task: a grid point × one seed, run as `cl-reproduce run <experiment> --seed <seed> --seeds 1 --set …`. */
const sweepTaskSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  /** The grid point: dotted key → value (what `--set key=value` would give). */
  point: z.record(z.string(), z.unknown()),
  /** Index of the grid point (tasks of one point differ only in the seed). */
  pointIndex: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  /** The task's run directory, relative to the sweep directory: `tasks/<index>`. */
  dir: z.string().min(1),
  /** Relative work estimate (larger runs longer); the local pool starts the largest first. */
  work: z.number().nonnegative(),
})

export const sweepManifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  experiment: z.string().min(1),
  preset: z.enum(PRESET_NAMES),
  grid: z.array(gridAxisSchema),
  /** First seed; the seeds are seed, seed + 1, …, seed + seeds − 1. */
  seed: z.number().int().nonnegative(),
  seeds: z.number().int().positive(),
  /** The parsed `--set` overrides every task gets (the grid point is merged over them). */
  overrides: z.record(z.string(), z.unknown()),
  backend: z.string().min(1),
  /** CPU threads per task process on wasm/cpu. */
  threads: z.number().int().positive(),
  /** The user DGP (`--dgp`) of every task, with its sha256 (a changed file is refused on resume). */
  dgp: z.strictObject({ module: z.string().min(1), sha256: z.string().nullable() }).optional(),
  tasks: z.array(sweepTaskSchema).min(1),
  createdAt: z.iso.datetime(),
  appVersion: z.string().min(1),
})

export type SweepManifest = z.infer<typeof sweepManifestSchema>
export type SweepTask = z.infer<typeof sweepTaskSchema>
export type GridAxis = z.infer<typeof gridAxisSchema>

export function writeManifest(dir: string, manifest: SweepManifest, writer?: RunWriter): void {
  writeFileAtomic(path.join(dir, SWEEP_FILE), `${JSON.stringify(manifest, null, 2)}\n`, writer)
}

/** True when `dir` holds a sweep manifest. */
export function isSweepDir(dir: string): boolean {
  return existsSync(path.join(dir, SWEEP_FILE))
}

/** Read and validate `<dir>/sweep.json`; refuses a directory that is not a sweep, names a truncated file. */
export function readManifest(dir: string, flag = 'DIR'): SweepManifest {
  const file = path.join(dir, SWEEP_FILE)
  if (!existsSync(dir)) throw new RunDirectoryError(dir, 'does not exist', '--out')
  if (!existsSync(file)) throw new RunDirectoryError(dir, `is not a sweep directory (no ${SWEEP_FILE})`, '--out')
  const howTo = `the sweep's settings are lost; start the sweep again in a new directory (${flag}); finished tasks in ${path.join(dir, TASKS_DIR)} stay readable`
  const parsed = sweepManifestSchema.safeParse(readRunJson(file, howTo))
  if (!parsed.success) throw new RunFileError(file, `${file} is not a sweep manifest (${parsed.error.issues[0]?.message ?? 'invalid'}); ${howTo}`)
  return parsed.data
}

/** The absolute run directory of a task. */
export function taskDir(sweepDir: string, task: Pick<SweepTask, 'dir'>): string {
  return path.join(sweepDir, task.dir)
}

/** The log file of a task (both executors append to it). */
export function taskLog(sweepDir: string, index: number): string {
  return path.join(sweepDir, LOGS_DIR, `task-${index}.log`)
}

/**
 * Where a task stands, judged by its files (never by scheduler accounting):
 * - `complete`: result.json exists;
 * - `failed` / `interrupted`: status.json says so (its `error` says why);
 * - `running`: status.json says running and its process is alive (or on another host, where it cannot be checked);
 * - `stopped`: status.json says running but its process on this host is gone (killed: SIGKILL, OOM, node loss);
 * - `pending`: the task has not written run.json yet.
 */
export type TaskState = 'complete' | 'failed' | 'interrupted' | 'running' | 'stopped' | 'pending'

export interface TaskStatus {
  readonly state: TaskState
  /** The failure message of a failed task (status.json `error`). */
  readonly error?: string
  /** The host a running / stopped task ran on. */
  readonly hostname?: string
}

/** Read a task's state from its run directory (see {@link TaskState}). */
export function taskStatus(sweepDir: string, task: Pick<SweepTask, 'dir'>): TaskStatus {
  const dir = taskDir(sweepDir, task)
  if (existsSync(path.join(dir, RESULT_FILE))) return { state: 'complete' }
  if (!existsSync(path.join(dir, 'run.json'))) return { state: 'pending' }
  let status: { state?: unknown; error?: unknown; pid?: unknown; hostname?: unknown } = {}
  try {
    status = JSON.parse(readFileSync(path.join(dir, STATUS_FILE), 'utf8')) as typeof status
  } catch {
    // run.json written, status.json not yet (or unreadable): the task was starting when it stopped
    return { state: 'stopped' }
  }
  if (status.state === 'failed') return { state: 'failed', ...(typeof status.error === 'string' ? { error: status.error } : {}) }
  if (status.state === 'interrupted') return { state: 'interrupted' }
  if (status.state === 'running') {
    const host = typeof status.hostname === 'string' ? { hostname: status.hostname } : {}
    return { state: isRunProcessGone(status) ? 'stopped' : 'running', ...host }
  }
  return { state: 'stopped' }
}

/** "1 grid point" / "4 grid points": the number of grid points of a sweep, for log lines. */
export function pointsLabel(manifest: Pick<SweepManifest, 'tasks' | 'seeds'>): string {
  const points = manifest.tasks.length / manifest.seeds
  return `${points} grid point${points === 1 ? '' : 's'}`
}
