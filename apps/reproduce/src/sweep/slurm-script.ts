import { InvalidConfigError } from '@cl/core'
import { LOGS_DIR, type SweepManifest } from './manifest.js'
import path from 'node:path'

/** What a user may pass through to `#SBATCH` (Slurm's own option syntax; validated by sbatch, not here). */
export interface SlurmOptions {
  readonly partition?: string
  /** Wall-clock limit per task, in any of sbatch's formats (`30`, `2:00:00`, `1-12`). */
  readonly time?: string
  /** Memory per task (`4G`). */
  readonly mem?: string
  /** Generic resources per task (`gpu:1`). */
  readonly gres?: string
  /** CPUs per task; also the task's CPU threads (XNNPACK, the fused InfoNCE kernel). */
  readonly cpusPerTask?: number
  /** At most this many tasks of the array at once (`--array=…%N`). */
  readonly maxRunning?: number
  /** More `#SBATCH` lines, as given (`--account=lab`, `--qos=long`); a leading `#SBATCH ` is optional. */
  readonly extra: readonly string[]
}

/** `0-2,5,7-9`: the indices as sbatch's `--array` list (sorted, runs of consecutive indices as ranges). */
export function arrayList(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return parts.join(',')
}

/** Quote for bash: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/**
 * `#SBATCH` lines are read by sbatch without a shell: a path with whitespace or quotes cannot be written in one
 * reliably. Refused up front, naming the option.
 */
export function assertSbatchSafePath(file: string, flag: string): void {
  if (/[\s'"\\$`]/.test(file)) throw new InvalidConfigError(flag, 'a path without whitespace, quotes, backslashes, $ or ` (it goes into #SBATCH lines) for --executor slurm', file)
}

function optionLines(o: SlurmOptions, forCollect: boolean): string[] {
  const lines: string[] = []
  if (o.partition !== undefined) lines.push(`#SBATCH --partition=${o.partition}`)
  if (!forCollect) {
    if (o.time !== undefined) lines.push(`#SBATCH --time=${o.time}`)
    if (o.mem !== undefined) lines.push(`#SBATCH --mem=${o.mem}`)
    if (o.gres !== undefined) lines.push(`#SBATCH --gres=${o.gres}`)
    if (o.cpusPerTask !== undefined) lines.push(`#SBATCH --cpus-per-task=${o.cpusPerTask}`)
  }
  for (const extra of o.extra) {
    const line = extra.trim().replace(/^#SBATCH\s+/, '')
    if (line === '' || /[\r\n]/.test(line)) throw new InvalidConfigError('--sbatch', 'one sbatch option per --sbatch, e.g. --sbatch --account=lab', extra)
    lines.push(`#SBATCH ${line}`)
  }
  return lines
}

/** Where `cl-reproduce` runs on the compute nodes: this Node and this CLI file (a shared filesystem is assumed). */
export interface Launcher {
  readonly node: string
  readonly cli: string
  readonly appVersion: string
}

/**
 * The array job of a sweep: one array task per sweep task in `indices`, each running `cl-reproduce sweep task DIR
 * $SLURM_ARRAY_TASK_ID`, which starts the task fresh or resumes it from its files. Its output is appended to
 * `logs/task-<index>.log` (`%a` is the array index = the task index).
 */
export function arrayScript(dir: string, manifest: SweepManifest, indices: readonly number[], options: SlurmOptions, launcher: Launcher): string {
  const list = arrayList(indices)
  const throttle = options.maxRunning !== undefined ? `%${options.maxRunning}` : ''
  const threads = options.cpusPerTask !== undefined ? ' --threads "${SLURM_CPUS_PER_TASK}"' : ''
  return [
    '#!/bin/bash',
    `# cl-reproduce ${launcher.appVersion} sweep of ${manifest.experiment} (preset ${manifest.preset}) in ${dir}:`,
    `# ${indices.length} of its ${manifest.tasks.length} tasks (the ones not complete when this was submitted).`,
    '# Each array task runs one sweep task: fresh, or resumed from its checkpoints. Rerunning `cl-reproduce sweep` with',
    '# the same arguments submits the tasks that are still missing; `cl-reproduce sweep status DIR` shows where they are.',
    `#SBATCH --job-name=cl-sweep-${manifest.experiment}`,
    `#SBATCH --array=${list}${throttle}`,
    `#SBATCH --output=${path.join(dir, LOGS_DIR, 'task-%a.log')}`,
    '#SBATCH --open-mode=append',
    ...optionLines(options, false),
    'set -euo pipefail',
    'echo "=== slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)"',
    `exec ${shellQuote(launcher.node)} ${shellQuote(launcher.cli)} sweep task ${shellQuote(dir)} "\${SLURM_ARRAY_TASK_ID}"${threads}`,
    '',
  ].join('\n')
}

/** The collect job: runs after every array task has ended, whatever its outcome (`--dependency=afterany`, given at submission). */
export function collectScript(dir: string, manifest: SweepManifest, arrayJobId: string, options: SlurmOptions, launcher: Launcher): string {
  return [
    '#!/bin/bash',
    `# cl-reproduce ${launcher.appVersion}: collect the sweep of ${manifest.experiment} in ${dir} into ${path.join(dir, 'collected')}`,
    `# once array job ${arrayJobId} has ended (afterany: failed tasks are listed in the report, not waited for).`,
    `#SBATCH --job-name=cl-collect-${manifest.experiment}`,
    `#SBATCH --output=${path.join(dir, LOGS_DIR, 'collect.log')}`,
    '#SBATCH --open-mode=append',
    ...optionLines(options, true),
    'set -euo pipefail',
    'echo "=== slurm job ${SLURM_JOB_ID} on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)"',
    `exec ${shellQuote(launcher.node)} ${shellQuote(launcher.cli)} collect ${shellQuote(dir)}`,
    '',
  ].join('\n')
}
