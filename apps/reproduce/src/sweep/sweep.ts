import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'
import { InvalidConfigError } from '@cl/core'
import { EXIT_CODES } from '../run/exit-codes.js'
import type { ChildSpawner } from '../run/parallel.js'
import { assertFreshRunDir, makeDirs } from '../run/run-dir.js'
import { LOCK_FILE, RunLockedError, acquireRunLock, readLockOwner } from '../run/run-lock.js'
import { formatPoint } from './grid.js'
import { runTasksLocally } from './local-executor.js'
import { LOGS_DIR, TASKS_DIR, isSweepDir, pointsLabel, readManifest, taskDir, taskStatus, writeManifest, type SweepManifest, type SweepTask } from './manifest.js'
import { canonicalJson, differingField, planSweep, type SweepRequest } from './plan.js'
import { queuedJobs, sbatch, type SlurmRunner } from './slurm.js'
import { arrayScript, assertSbatchSafePath, collectScript, type Launcher, type SlurmOptions } from './slurm-script.js'
import { appendSubmission, readSubmissions, submittedJobIds } from './submissions.js'

/** Where and how a sweep runs: a process pool here, or a Slurm array job plus a collect job. */
export type SweepExecutor = 'local' | 'slurm'

export interface SweepOptions {
  readonly request: SweepRequest
  /** The sweep directory (`--out`): created with its manifest, or an existing sweep of the same settings to continue. */
  readonly dir: string
  readonly executor: SweepExecutor
  /** local: tasks at once; slurm: at most this many array tasks at once (`%N`), when given. */
  readonly jobs?: number
  readonly slurm: SlurmOptions
  /** slurm: stay until the jobs have left the queue, then print the status (default: submit and return). */
  readonly wait: boolean
  /** How often `wait` polls squeue, in ms (default 2000). */
  readonly pollMs?: number
  readonly spawn: ChildSpawner
  readonly slurmRunner: SlurmRunner
  readonly launcher: Launcher
  /** Merge the task results into `<dir>/collected` (the collect step, run here when the local pool is done). */
  readonly collect: (dir: string) => Promise<{ readonly complete: number; readonly total: number; readonly reportFile: string }>
  readonly err: (line: string) => void
  readonly out: (line: string) => void
}

/**
 * Start or continue a sweep (`cl-reproduce sweep`). Everything is checked before anything is written: every grid
 * point's config, and, for an existing directory, that it is a sweep with the same settings. The manifest
 * (`sweep.json`) is written first. Complete tasks are skipped; interrupted, failed or killed ones resume from their
 * files; the rest start fresh. Returns the exit code.
 */
export async function runSweep(options: SweepOptions): Promise<number> {
  const dir = path.resolve(options.dir)
  const planned = planSweep(options.request)
  if (options.executor === 'slurm') assertSbatchSafePath(dir, '--out')
  const existing = isSweepDir(dir)
  let manifest: SweepManifest
  if (existing) {
    manifest = readManifest(dir, '--out')
    const diff = differingField(manifest, planned)
    if (diff !== undefined) {
      throw new InvalidConfigError(
        `--out ${dir}`,
        `the settings this sweep was started with (${diff.field}: ${canonicalJson(diff.recorded ?? null)}); rerun with the same arguments to continue it, or choose a new --out`,
        diff.requested ?? null,
      )
    }
  } else {
    assertFreshRunDir(dir)
    manifest = planned
  }
  const submissions = existing ? readSubmissions(dir) : []
  if (options.executor === 'slurm' || submissions.length > 0) {
    const queued = queuedJobs(options.slurmRunner, submittedJobIds(submissions))
    if (queued.length > 0) {
      const ids = [...new Set(queued.map((j) => j.jobId))].join(', ')
      throw new RunLockedError(dir, `Slurm jobs of this sweep are still queued or running (${ids}); follow them with 'cl-reproduce sweep status ${dir}', or stop them with 'cl-reproduce sweep cancel ${dir}'`)
    }
  }
  if (!existing) {
    makeDirs(dir)
    writeManifest(dir, manifest)
    mkdirSync(path.join(dir, TASKS_DIR), { recursive: true })
    mkdirSync(path.join(dir, LOGS_DIR), { recursive: true })
    options.err(`sweep of ${manifest.experiment}: ${manifest.tasks.length} tasks (${pointsLabel(manifest)} × ${manifest.seeds} seed${manifest.seeds === 1 ? '' : 's'}) in ${dir}`)
  } else {
    options.err(`continuing the sweep of ${manifest.experiment} in ${dir}`)
  }
  const release = acquireRunLock(dir)
  try {
    const todo = tasksToRun(dir, manifest, options.executor, options.err)
    if (todo.length === 0) {
      options.err(`all ${manifest.tasks.length} tasks are complete`)
      return await collectAndReport(dir, options)
    }
    if (options.executor === 'local') {
      const code = await runTasksLocally(dir, manifest, todo, { jobs: options.jobs ?? 1, threads: options.request.threads, spawn: options.spawn, err: options.err })
      if (code === EXIT_CODES.sigint || code === EXIT_CODES.sigterm) {
        options.err(`stopped; rerun the same 'cl-reproduce sweep' command to continue (complete tasks are skipped, interrupted ones resume)`)
        return code
      }
      return await collectAndReport(dir, options)
    }
    return await submitToSlurm(dir, manifest, todo, options)
  } finally {
    release()
  }
}

/**
 * The tasks still to run, logging what happens to the others: complete ones are skipped; a task another live process
 * on this host is running is left to it; a lock left in a task by a process on another host is removed (no job of
 * the sweep is queued any more, so that process is gone), so the task can resume anywhere.
 */
function tasksToRun(dir: string, manifest: SweepManifest, executor: SweepExecutor, log: (line: string) => void): SweepTask[] {
  const todo: SweepTask[] = []
  let complete = 0
  let resumed = 0
  for (const task of manifest.tasks) {
    const status = taskStatus(dir, task)
    if (status.state === 'complete') {
      complete++
      continue
    }
    if (status.state === 'running') {
      if (status.hostname === undefined || status.hostname === hostname() || executor === 'local') {
        log(`task ${task.index} (${formatPoint(task.point)}, seed ${task.seed}) is running${status.hostname !== undefined ? ` on ${status.hostname}` : ''}: left to it`)
        continue
      }
    }
    clearForeignLock(taskDir(dir, task), log)
    if (status.state !== 'pending') resumed++
    todo.push(task)
  }
  if (complete > 0 || resumed > 0) log(`${complete} task${complete === 1 ? '' : 's'} complete (skipped); ${todo.length} to run, ${resumed} of them resumed from their files`)
  return todo
}

function clearForeignLock(dir: string, log: (line: string) => void): void {
  const owner = readLockOwner(dir)
  // Free or unreadable (the run refuses that naming the file); on this host the run itself takes over a dead owner's
  // lock and refuses a live one.
  if (owner === undefined || owner.hostname === hostname()) return
  unlinkSync(path.join(dir, LOCK_FILE))
  log(`removed the stale lock of ${dir} (pid ${owner.pid} on ${owner.hostname}; no job of this sweep is queued)`)
}

/** Submit the array job of `todo` and its collect job (afterany), record both, and optionally wait for them. */
async function submitToSlurm(dir: string, manifest: SweepManifest, todo: readonly SweepTask[], options: SweepOptions): Promise<number> {
  const n = readSubmissions(dir).length + 1
  const scripts = path.join(dir, 'slurm')
  mkdirSync(scripts, { recursive: true })
  const indices = todo.map((t) => t.index).sort((a, b) => a - b)
  const slurm: SlurmOptions = { ...options.slurm, ...(options.jobs !== undefined ? { maxRunning: options.jobs } : {}) }
  const arrayFile = path.join(scripts, `array-${n}.sbatch`)
  writeFileSync(arrayFile, arrayScript(dir, manifest, indices, slurm, options.launcher), { mode: 0o755 })
  const arrayJobId = sbatch(options.slurmRunner, arrayFile)
  const collectFile = path.join(scripts, `collect-${n}.sbatch`)
  writeFileSync(collectFile, collectScript(dir, manifest, arrayJobId, slurm, options.launcher), { mode: 0o755 })
  let collectJobId: string
  try {
    collectJobId = sbatch(options.slurmRunner, collectFile, [`--dependency=afterany:${arrayJobId}`])
  } catch (error) {
    // the array job runs without a collect job: record it so status and cancel find it, then report the failure
    appendSubmission(dir, { at: new Date().toISOString(), arrayJobId, collectJobId: arrayJobId, tasks: indices, arrayScript: arrayFile, collectScript: collectFile })
    options.err(`array job ${arrayJobId} is submitted, its collect job is not; run 'cl-reproduce collect ${dir}' when it has ended`)
    throw error
  }
  appendSubmission(dir, { at: new Date().toISOString(), arrayJobId, collectJobId, tasks: indices, arrayScript: arrayFile, collectScript: collectFile })
  options.out(`submitted ${indices.length} task${indices.length === 1 ? '' : 's'} as Slurm array job ${arrayJobId} (${arrayFile}); collect runs as job ${collectJobId} after it`)
  options.err(`follow it with 'cl-reproduce sweep status ${dir}'; the report will be ${path.join(dir, 'collected', 'report.md')}`)
  if (!options.wait) return EXIT_CODES.ok
  return waitForJobs(dir, manifest, [arrayJobId, collectJobId], options)
}

/** Poll squeue until the jobs have left the queue, logging task counts as they change; 0 when every task is complete. */
async function waitForJobs(dir: string, manifest: SweepManifest, jobIds: readonly string[], options: SweepOptions): Promise<number> {
  let last = ''
  let complete: number
  for (;;) {
    const queued = queuedJobs(options.slurmRunner, jobIds)
    // counted after asking the queue: once no job is queued, this count is final
    complete = manifest.tasks.filter((t) => taskStatus(dir, t).state === 'complete').length
    const line = `${complete}/${manifest.tasks.length} tasks complete; ${queued.length} job${queued.length === 1 ? '' : 's'} in the queue`
    if (line !== last) options.err(line)
    last = line
    if (queued.length === 0) break
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000))
  }
  options.out(`report: ${path.join(dir, 'collected', 'report.md')}`)
  if (complete < manifest.tasks.length) {
    options.err(`${manifest.tasks.length - complete} task(s) did not complete (see the report's list and logs/); rerun the same command to submit them again`)
    return EXIT_CODES.failed
  }
  return EXIT_CODES.ok
}

/** Collect here, print where the report is; 1 when tasks are missing (the report lists them). */
async function collectAndReport(dir: string, options: SweepOptions): Promise<number> {
  const outcome = await options.collect(dir)
  options.out(`report: ${outcome.reportFile}`)
  if (outcome.complete < outcome.total) {
    options.err(`${outcome.total - outcome.complete} of ${outcome.total} tasks did not complete (listed in the report with their logs); rerun the same command to retry them`)
    return EXIT_CODES.failed
  }
  return EXIT_CODES.ok
}
