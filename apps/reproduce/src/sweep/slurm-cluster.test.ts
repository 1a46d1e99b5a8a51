// Smoke test of the real single-node Slurm test cluster (scripts/slurm-test-cluster.sh): array jobs, afterany
// dependencies and output files, the Slurm features the sweep's slurm executor relies on. Skipped, with the reason
// printed, when no cluster runs and CL_REQUIRE_SLURM is unset; CI sets CL_REQUIRE_SLURM=1, so there it fails instead.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

import { requireSlurm, slurmTestCluster, waitForJobsGone } from './slurm-cluster.test-helper.js'

const available = requireSlurm()
if (available) console.info(`[slurm] ${slurmTestCluster().reason}`)

/** sbatch --parsable: prints '<jobid>' (or '<jobid>;<cluster>'); returns the job id. */
function sbatch(args: string[]): string {
  const out = execFileSync('sbatch', ['--parsable', ...args], { env: slurmTestCluster().env, encoding: 'utf8', timeout: 15_000 })
  const id = out.trim().split(';')[0] ?? ''
  expect(id).toMatch(/^\d+$/)
  return id
}

describe.skipIf(!available)('Slurm test cluster', () => {
  const dirs: string[] = []
  const scratch = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-slurm-test-'))
    dirs.push(dir)
    return dir
  }
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('runs a 3-task array job, then an afterany job once every task has ended', async () => {
    const dir = scratch()
    const t0 = performance.now()
    const arrayId = sbatch([`--chdir=${dir}`, '--array=0-2', `--output=${dir}/t-%a.log`, '--wrap', 'echo task $SLURM_ARRAY_TASK_ID'])
    // The dependent job sees every task's log: afterany waits for all tasks of the array.
    const afterId = sbatch([
      `--chdir=${dir}`,
      `--dependency=afterany:${arrayId}`,
      `--output=${dir}/after.log`,
      '--wrap',
      `cat ${dir}/t-0.log ${dir}/t-1.log ${dir}/t-2.log > ${dir}/after.txt`,
    ])
    await waitForJobsGone([arrayId, afterId], 25_000)
    console.info(`[slurm] array of 3 + afterany job gone after ${(performance.now() - t0).toFixed(0)} ms`)

    for (const i of [0, 1, 2]) expect(readFileSync(join(dir, `t-${i}.log`), 'utf8')).toBe(`task ${i}\n`)
    expect(readFileSync(join(dir, 'after.txt'), 'utf8')).toBe('task 0\ntask 1\ntask 2\n')
  })

  it('a task that exits 1 still lets the afterany job run', async () => {
    const dir = scratch()
    // Task 1 fails; tasks 0 and 2 succeed.
    const arrayId = sbatch([
      `--chdir=${dir}`,
      '--array=0-2',
      `--output=${dir}/t-%a.log`,
      '--wrap',
      `echo task $SLURM_ARRAY_TASK_ID; test $SLURM_ARRAY_TASK_ID -ne 1`,
    ])
    const afterId = sbatch([`--chdir=${dir}`, `--dependency=afterany:${arrayId}`, `--output=${dir}/after.log`, '--wrap', `echo ran > ${dir}/after.txt`])
    await waitForJobsGone([arrayId, afterId], 25_000)

    for (const i of [0, 1, 2]) expect(readFileSync(join(dir, `t-${i}.log`), 'utf8')).toBe(`task ${i}\n`)
    expect(existsSync(join(dir, 'after.txt'))).toBe(true)
    expect(readFileSync(join(dir, 'after.txt'), 'utf8')).toBe('ran\n')
  })
})
