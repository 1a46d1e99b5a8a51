import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'
import { isAlive, readLockOwner } from '../run/run-lock.js'
import { formatPoint } from './grid.js'
import { pointsLabel, readManifest, taskLog, taskStatus, type SweepManifest, type TaskState, type TaskStatus } from './manifest.js'
import { queuedJobs, scancel, type QueuedJob, type SlurmRunner } from './slurm.js'
import { readSubmissions, submittedJobIds, type Submission } from './submissions.js'

/** Where a sweep stands: each task's state from its files, the queue entries of its Slurm jobs, a live local pool. */
export interface SweepStatus {
  readonly dir: string
  readonly manifest: SweepManifest
  readonly tasks: readonly (TaskStatus & { readonly index: number; readonly queue?: QueuedJob })[]
  readonly counts: Readonly<Record<TaskState, number>>
  readonly submissions: readonly Submission[]
  /** The sweep's jobs still in the Slurm queue (empty when none, or when it never used Slurm). */
  readonly queued: readonly QueuedJob[]
  /** The pid of a local `cl-reproduce sweep` working in the directory on this host, if one is alive. */
  readonly localPid?: number
}

const STATES: readonly TaskState[] = ['complete', 'running', 'pending', 'interrupted', 'failed', 'stopped']

/** Read a sweep's state; squeue is asked only when the sweep has submitted Slurm jobs. */
export function sweepStatus(dir: string, slurm: SlurmRunner): SweepStatus {
  const abs = path.resolve(dir)
  const manifest = readManifest(abs)
  const submissions = readSubmissions(abs)
  const queued = submissions.length > 0 ? queuedJobs(slurm, submittedJobIds(submissions)) : []
  const arrayIds = new Set(submissions.map((s) => s.arrayJobId))
  const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<TaskState, number>
  const tasks = manifest.tasks.map((task) => {
    const status = taskStatus(abs, task)
    counts[status.state]++
    const queue = queued.find((j) => arrayIds.has(j.jobId) && j.taskIndex === task.index)
    return { ...status, index: task.index, ...(queue !== undefined ? { queue } : {}) }
  })
  const localPid = livePoolPid(abs)
  return { dir: abs, manifest, tasks, counts, submissions, queued, ...(localPid !== undefined ? { localPid } : {}) }
}

/** The pid in the sweep's lock when it is a live process on this host (a local pool, or a submission in progress). */
function livePoolPid(dir: string): number | undefined {
  const owner = readLockOwner(dir)
  return owner !== undefined && owner.hostname === hostname() && isAlive(owner.pid) ? owner.pid : undefined
}

/** `sweep status` as lines: the counts, the queue, and one line per task that is not complete. */
export function formatSweepStatus(s: SweepStatus): string[] {
  const m = s.manifest
  const lines = [
    `sweep of ${m.experiment} (preset ${m.preset}) in ${s.dir}: ${m.tasks.length} tasks = ${pointsLabel(m)} × ${m.seeds} seeds (${m.seed}…${m.seed + m.seeds - 1})`,
    `tasks: ${STATES.filter((k) => s.counts[k] > 0).map((k) => `${s.counts[k]} ${k}`).join(', ')}`,
  ]
  if (s.localPid !== undefined) lines.push(`a local sweep (pid ${s.localPid}) is working in it`)
  if (s.submissions.length > 0) {
    const last = s.submissions[s.submissions.length - 1]!
    const inQueue = new Set(s.queued.map((j) => j.jobId))
    lines.push(
      `slurm: ${s.submissions.length} submission${s.submissions.length === 1 ? '' : 's'}; last: array job ${last.arrayJobId} (${last.tasks.length} tasks) ${inQueue.has(last.arrayJobId) ? 'in the queue' : 'ended'}, collect job ${last.collectJobId} ${inQueue.has(last.collectJobId) ? 'in the queue' : 'ended'}`,
    )
  }
  for (const t of s.tasks) {
    if (t.state === 'complete') continue
    const task = m.tasks[t.index]!
    const queue = t.queue !== undefined ? `; queue: ${t.queue.state}${t.queue.where !== '' ? ` (${t.queue.where})` : ''}` : ''
    const error = t.error !== undefined ? `: ${t.error}` : ''
    lines.push(`  task ${t.index} (${formatPoint(task.point)}, seed ${task.seed}): ${t.state}${error}${queue} — ${taskLog(s.dir, t.index)}`)
  }
  const collected = path.join(s.dir, 'collected', 'report.md')
  lines.push(existsSync(collected) ? `collected report: ${collected}` : `not collected yet: cl-reproduce collect ${s.dir}`)
  return lines
}

/**
 * `sweep cancel`: scancel the sweep's Slurm jobs still queued (running tasks get SIGTERM, checkpoint and are marked
 * interrupted; pending ones leave no record) and stop a local pool on this host with SIGTERM (it forwards it to its
 * tasks). Returns what was stopped, one line each.
 */
export function cancelSweep(dir: string, slurm: SlurmRunner): string[] {
  const s = sweepStatus(dir, slurm)
  const done: string[] = []
  if (s.submissions.length > 0) {
    for (const id of scancel(slurm, submittedJobIds(s.submissions))) done.push(`cancelled Slurm job ${id}`)
  }
  if (s.localPid !== undefined && s.localPid !== process.pid) {
    process.kill(s.localPid, 'SIGTERM')
    done.push(`sent SIGTERM to the local sweep (pid ${s.localPid})`)
  }
  return done
}
