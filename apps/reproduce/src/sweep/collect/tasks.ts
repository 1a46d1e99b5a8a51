import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { RESULT_FILE, readRunJson } from '../../run/run-dir.js'
import { resultSchema, type RunResult } from '../../run/result-schema.js'
import { taskDir, taskLog, taskStatus, type SweepManifest, type SweepTask, type TaskState } from '../manifest.js'

/** Lines of a missing task's log shown in the report. */
export const LOG_TAIL_LINES = 5

/** A task without a usable result (see {@link readTasks}). */
export interface MissingTask {
  readonly index: number
  readonly pointIndex: number
  readonly point: Record<string, unknown>
  readonly seed: number
  readonly state: TaskState
  readonly error?: string
  /** Absolute path of the task's log, `<sweep>/logs/task-<index>.log` (it may not exist). */
  readonly log: string
  /** The last ≤ {@link LOG_TAIL_LINES} non-empty lines of that log, where it exists. */
  readonly logTail?: string[]
}

/** A task with a valid result.json. */
export interface CompleteTask {
  readonly task: SweepTask
  readonly result: RunResult
}

/** The tasks of a sweep split by their files: complete ones with their result, the rest with why. */
export interface TaskReadout {
  readonly complete: readonly CompleteTask[]
  readonly missing: readonly MissingTask[]
}

/** The last `lines` non-empty lines of a log file, or undefined where there is no readable log. */
export function logTail(file: string, lines = LOG_TAIL_LINES): string[] | undefined {
  if (!existsSync(file)) return undefined
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').slice(-lines)
  } catch {
    return undefined
  }
}

/**
 * Read every task of a sweep by its files (manifest.ts `taskStatus`); the result.json of a complete task is validated
 * with `resultSchema` and must be a run of the sweep's experiment and seed — a malformed one counts as a failed task
 * whose error names the file and what is wrong.
 */
export function readTasks(dir: string, manifest: SweepManifest): TaskReadout {
  const complete: CompleteTask[] = []
  const missing: MissingTask[] = []
  for (const task of manifest.tasks) {
    const status = taskStatus(dir, task)
    const base = { index: task.index, pointIndex: task.pointIndex, point: task.point, seed: task.seed, log: taskLog(dir, task.index) }
    const miss = (state: TaskState, error: string | undefined) => {
      const tail = logTail(base.log)
      missing.push({ ...base, state, ...(error !== undefined ? { error } : {}), ...(tail !== undefined ? { logTail: tail } : {}) })
    }
    if (status.state !== 'complete') {
      miss(status.state, status.error)
      continue
    }
    const file = path.join(taskDir(dir, task), RESULT_FILE)
    const read = readResult(file, manifest.experiment, task.seed)
    if ('error' in read) miss('failed', read.error)
    else complete.push({ task, result: read.result })
  }
  return { complete, missing }
}

function readResult(file: string, experiment: string, seed: number): { result: RunResult } | { error: string } {
  let json: unknown
  try {
    json = readRunJson(file, 'run the task again (delete its directory first)')
  } catch (error) {
    return { error: (error as Error).message }
  }
  const parsed = resultSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return { error: `${file} is not a valid result (${issue?.path.join('.') || 'result'}: ${issue?.message ?? 'invalid'}); run the task again (delete its directory first)` }
  }
  const result = parsed.data
  if (result.experiment !== experiment) return { error: `${file} holds a run of '${result.experiment}', not of the sweep's '${experiment}'` }
  if (result.seeds.length !== 1 || result.seeds[0] !== seed) return { error: `${file} holds seeds ${result.seeds.join(', ')}, not the task's seed ${seed}` }
  return { result }
}
