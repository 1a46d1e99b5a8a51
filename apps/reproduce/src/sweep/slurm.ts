import { spawnSync } from 'node:child_process'
import { userInfo } from 'node:os'
import { SlurmError } from './slurm-error.js'

/** The Slurm client commands a sweep uses. */
export type SlurmCommand = 'sbatch' | 'squeue' | 'scancel'

/** Runs a Slurm client command (the system's by default; tests may inject one). */
export type SlurmRunner = (command: SlurmCommand, args: readonly string[]) => { code: number; stdout: string; stderr: string }

/** The Slurm client tools on PATH (they read `SLURM_CONF` from the environment like any Slurm command). */
export const systemSlurm: SlurmRunner = (command, args) => {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 })
  if (r.error !== undefined) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new SlurmError(command, missing ? `not found on PATH; --executor slurm needs the Slurm client tools (sbatch, squeue, scancel) on this machine, or use --executor local` : r.error.message, { cause: r.error })
  }
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr }
}

/** `sbatch --parsable [args] script`: the new job's id (a `;cluster` suffix is dropped). */
export function sbatch(slurm: SlurmRunner, script: string, args: readonly string[] = []): string {
  const r = slurm('sbatch', ['--parsable', ...args, script])
  const id = r.stdout.trim().split(';')[0] ?? ''
  if (r.code !== 0 || !/^\d+$/.test(id)) throw new SlurmError('sbatch', `could not submit ${script}: ${(r.stderr || r.stdout).trim() || `exit code ${r.code}`}`)
  return id
}

/** One job (or array task) in the queue. `jobId` is the array's id for array tasks, `taskIndex` their index. */
export interface QueuedJob {
  readonly jobId: string
  /** The array task index; a pending array's not-yet-started tasks appear one by one (`squeue -r`). */
  readonly taskIndex?: number
  /** PENDING, RUNNING, COMPLETING, … (Slurm's job state). */
  readonly state: string
  /** Time used so far, as squeue prints it. */
  readonly time: string
  /** Nodes (running) or the reason it waits (pending). */
  readonly where: string
}

/**
 * The jobs of this user still in the queue whose id is one of `jobIds` (array tasks expanded). Finished jobs leave
 * the queue; what they did is judged from the sweep's files, not from accounting (which a cluster may not keep).
 */
export function queuedJobs(slurm: SlurmRunner, jobIds: readonly string[]): QueuedJob[] {
  if (jobIds.length === 0) return []
  const r = slurm('squeue', ['-h', '-r', '-u', userInfo().username, '-o', '%F|%K|%T|%M|%R'])
  if (r.code !== 0) throw new SlurmError('squeue', (r.stderr || r.stdout).trim() || `exit code ${r.code}`)
  const wanted = new Set(jobIds)
  const jobs: QueuedJob[] = []
  for (const line of r.stdout.split('\n')) {
    const [jobId, task, state, time, where] = line.trim().split('|')
    if (jobId === undefined || state === undefined || !wanted.has(jobId)) continue
    const taskIndex = task !== undefined && /^\d+$/.test(task) ? Number(task) : undefined
    jobs.push({ jobId, ...(taskIndex !== undefined ? { taskIndex } : {}), state, time: time ?? '', where: where ?? '' })
  }
  return jobs
}

/** `scancel` the given jobs (whole arrays); ids no longer in the queue are skipped, not an error. */
export function scancel(slurm: SlurmRunner, jobIds: readonly string[]): string[] {
  const active = [...new Set(queuedJobs(slurm, jobIds).map((j) => j.jobId))]
  if (active.length === 0) return []
  const r = slurm('scancel', active)
  if (r.code !== 0) throw new SlurmError('scancel', (r.stderr || r.stdout).trim() || `exit code ${r.code}`)
  return active
}
