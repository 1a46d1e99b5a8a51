import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { EXIT_CODES } from '../run/exit-codes.js'
import { runInParallel, type ChildSpawner } from '../run/parallel.js'
import { formatPoint } from './grid.js'
import { LOGS_DIR, taskLog, taskStatus, type SweepManifest, type SweepTask } from './manifest.js'

export interface LocalExecutorOptions {
  /** Tasks at once, each its own process. */
  readonly jobs: number
  /** CPU threads per task process. */
  readonly threads: number
  /** Starts `cl-reproduce <args>` child processes. */
  readonly spawn: ChildSpawner
  /** Progress lines (stderr). */
  readonly err: (line: string) => void
}

/** The order the local pool starts tasks in: the largest work estimate first (so the pool ends together), then by index. */
export function longestFirst(tasks: readonly SweepTask[]): SweepTask[] {
  return [...tasks].sort((a, b) => b.work - a.work || a.index - b.index)
}

/**
 * Run sweep tasks in a pool of processes on this machine: each task is `cl-reproduce sweep task DIR <index>` (the very
 * command a Slurm array task runs), its output appended to `logs/task-<index>.log`. Tasks are independent: a failed
 * task does not stop the others. SIGINT / SIGTERM stop new starts and are forwarded, so running tasks checkpoint and
 * are marked interrupted (a rerun of the sweep resumes them). Returns 0 when every task ran to completion, the first
 * failing code otherwise, 130 / 143 when stopped.
 */
export async function runTasksLocally(dir: string, manifest: SweepManifest, tasks: readonly SweepTask[], options: LocalExecutorOptions): Promise<number> {
  mkdirSync(path.join(dir, LOGS_DIR), { recursive: true })
  const total = tasks.length
  let done = 0
  const jobs = longestFirst(tasks).map((task) => {
    const log = taskLog(dir, task.index)
    const label = `task ${task.index} (${formatPoint(task.point)}, seed ${task.seed})`
    let started = 0
    let lastErr = ''
    return {
      id: `task ${task.index}`,
      args: ['sweep', 'task', dir, String(task.index), '--threads', String(options.threads)],
      onStart: () => {
        started = Date.now()
        appendFileSync(log, `=== local attempt at ${new Date().toISOString()} (sweep pid ${process.pid})\n`)
        options.err(`${label}: started`)
      },
      onLine: (_stream: 'out' | 'err', line: string) => {
        if (line.trim() !== '') lastErr = line
        appendFileSync(log, `${line}\n`)
      },
      onExit: (code: number) => {
        done++
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        const state = taskStatus(dir, task).state
        if (code === 0 && state === 'complete') options.err(`${label}: complete in ${seconds} s [${done}/${total}]`)
        else if (code === EXIT_CODES.sigint || code === EXIT_CODES.sigterm) options.err(`${label}: stopped (${state}) after ${seconds} s [${done}/${total}]`)
        else options.err(`${label}: ${state} (exit code ${code}) after ${seconds} s: ${lastErr} — log: ${log} [${done}/${total}]`)
      },
    }
  })
  return runInParallel(jobs, { jobs: options.jobs, spawn: options.spawn, out: options.err, err: options.err, keepGoing: true })
}
