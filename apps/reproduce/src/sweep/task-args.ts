import { existsSync } from 'node:fs'
import path from 'node:path'
import { flattenOverrides } from './grid.js'
import { taskDir, type SweepManifest, type SweepTask } from './manifest.js'
import { pointOverrides } from './plan.js'

/**
 * The `cl-reproduce` arguments that run one task: a fresh `run <experiment> --seed s --seeds 1 --set …` into the
 * task's directory, or `run <experiment> --resume <dir>` once the task has written its run.json (an interrupted,
 * failed or killed attempt continues from its checkpoints). `threads` is per process and never part of a result.
 */
export function taskRunArgs(sweepDir: string, manifest: SweepManifest, task: SweepTask, threads: number): string[] {
  const dir = taskDir(sweepDir, task)
  if (existsSync(path.join(dir, 'run.json'))) return ['run', manifest.experiment, '--resume', dir, '--threads', String(threads)]
  const sets = flattenOverrides(pointOverrides(manifest.overrides, task.point)).flatMap((s) => ['--set', s])
  return [
    'run',
    manifest.experiment,
    '--preset',
    manifest.preset,
    '--seed',
    String(task.seed),
    '--seeds',
    '1',
    '--backend',
    manifest.backend,
    '--threads',
    String(threads),
    ...(manifest.dgp !== undefined ? ['--dgp', manifest.dgp.module] : []),
    ...sets,
    '--out',
    dir,
  ]
}
