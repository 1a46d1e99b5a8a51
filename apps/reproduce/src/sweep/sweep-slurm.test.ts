import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { requireSlurm, slurmTestCluster, waitForJobsGone } from './slurm-cluster.test-helper.js'
import { CLI_BUILT, cli, readJson, tinyTable1, waitUntil } from './sweep-cli.test-helper.js'

// Against a real single-node Slurm cluster (Debian's slurm-wlm on loopback, started by .ci/run or by hand with
// scripts/slurm-test-cluster.sh; docs/cluster/test-cluster.md). CI sets CL_REQUIRE_SLURM=1: no cluster fails there.
const slurmUp = requireSlurm()
const EXAMPLE_DGP = fileURLToPath(new URL('../../../../examples/custom-dgp/dgp.mjs', import.meta.url))

/** The numbers of a collected summary: what must agree between executors (provenance says where and when). */
function numbers(summary: { points: unknown[]; tasks: unknown; missing: unknown[] }) {
  return { points: summary.points, tasks: summary.tasks, missing: summary.missing }
}

describe.runIf(CLI_BUILT && slurmUp)('cl-reproduce sweep --executor slurm on a real Slurm cluster', () => {
  const env = () => ({ ...process.env, ...slurmTestCluster().env })
  // the sweep directory must be readable by the compute node: on this single-node cluster, any local path is
  const scratch = () => mkdtempSync(path.join(tmpdir(), 'cl-sweep-slurm-'))

  it('a 2 × 3 sweep through Slurm collects to the same mean ± std as through the local pool', async () => {
    const root = scratch()
    const common = ['sweep', 'table1', '--grid', 'tau=0.5,1', '--seeds', '3', ...tinyTable1(20), '--backend', 'cpu', '--threads', '1']
    const slurm = await cli([...common, '--executor', 'slurm', '--wait', '--time', '10', '--out', path.join(root, 'slurm')], env())
    expect(slurm.stderr).not.toMatch(/cl-reproduce:/)
    expect(slurm.code).toBe(0)
    expect(slurm.stdout).toMatch(/submitted 6 tasks as Slurm array job \d+/)
    // the collect job (afterany) wrote the report on the cluster, not this process
    expect(readFileSync(path.join(root, 'slurm', 'logs', 'collect.log'), 'utf8')).toMatch(/=== slurm job \d+/)
    const local = await cli([...common, '--executor', 'local', '--jobs', '2', '--out', path.join(root, 'local')], env())
    expect(local.code).toBe(0)
    const a = readJson(path.join(root, 'slurm', 'collected', 'summary.json'))
    const b = readJson(path.join(root, 'local', 'collected', 'summary.json'))
    expect(a.points).toHaveLength(2)
    expect(a.points[0].scalars.length).toBeGreaterThan(0)
    for (const p of a.points) for (const s of p.scalars) expect(s.n).toBe(3)
    expect(numbers(a)).toEqual(numbers(b))
    // each task ran on the cluster: its log has the array task's header
    for (let i = 0; i < 6; i++) expect(readFileSync(path.join(root, 'slurm', 'logs', `task-${i}.log`), 'utf8')).toMatch(new RegExp(`=== slurm job \\d+_${i} `))
    // a rerun finds everything complete and submits nothing
    const again = await cli([...common, '--executor', 'slurm', '--out', path.join(root, 'slurm')], env())
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/all 6 tasks are complete/)
    expect(readJson(path.join(root, 'slurm', 'submissions.json'))).toHaveLength(1)
  }, 300_000)

  it('a failing task: the collect job still runs (afterany) and lists it with its log; a rerun submits only that task', async () => {
    const root = scratch()
    // a user DGP that fails for seed 1 only (the example DGP otherwise), outside the repo
    copyFileSync(EXAMPLE_DGP, path.join(root, 'example-dgp.mjs'))
    const dgp = path.join(root, 'failing-dgp.mjs')
    writeFileSync(dgp, `import example from './example-dgp.mjs'\nexport default (o) => {\n  if (o.seed === 1) throw new Error('planned failure for seed 1')\n  return example(o)\n}\n`)
    const dir = path.join(root, 'sweep')
    const args = ['sweep', 'fig1-r2-box', '--seeds', '2', '--dgp', dgp, '--set', 'train.steps=5', '--set', 'train.batchSize=32', '--set', 'evalSamples=64', '--set', 'encoder.hiddenWidths=[16]', '--set', 'generator.thresholdDraws=10', '--backend', 'cpu', '--executor', 'slurm', '--out', dir]
    const first = await cli([...args, '--wait'], env())
    expect(first.code).toBe(1)
    expect(first.stderr).toMatch(/1 task\(s\) did not complete/)
    const summary = readJson(path.join(dir, 'collected', 'summary.json'))
    expect(summary.tasks).toMatchObject({ total: 2, complete: 1 })
    expect(summary.missing).toEqual([expect.objectContaining({ index: 1, seed: 1, state: 'failed', error: expect.stringMatching(/planned failure for seed 1/), log: 'logs/task-1.log' })])
    const report = readFileSync(path.join(dir, 'collected', 'report.md'), 'utf8')
    expect(report).toMatch(/planned failure for seed 1/)
    expect(report).toContain('logs/task-1.log')
    const status = await cli(['sweep', 'status', dir], env())
    expect(status.stdout).toMatch(/tasks: 1 complete, 1 failed/)
    expect(status.stdout).toMatch(/task 1 \(\(no grid\), seed 1\): failed: .*planned failure/)
    const rerun = await cli([...args, '--wait'], env())
    expect(rerun.code).toBe(1) // the planned failure fails again
    expect(rerun.stdout).toMatch(/submitted 1 task as Slurm array job \d+/)
    const subs = readJson(path.join(dir, 'submissions.json')) as { tasks: number[]; arrayScript: string }[]
    expect(subs.map((s) => s.tasks)).toEqual([[0, 1], [1]])
    expect(readFileSync(subs[1]!.arrayScript, 'utf8')).toMatch(/#SBATCH --array=1\n/)
    // the log is appended to, attempt by attempt
    expect(readFileSync(path.join(dir, 'logs', 'task-1.log'), 'utf8').match(/=== slurm job/g)).toHaveLength(2)
  }, 300_000)

  it('sweep cancel stops a running task (SIGTERM: interrupted); rerunning the sweep resumes it and submits nothing else', async () => {
    const dir = path.join(scratch(), 'sweep')
    const args = ['sweep', 'table1', '--seeds', '2', ...tinyTable1(400), '--backend', 'cpu', '--threads', '1', '--executor', 'slurm', '--jobs', '1', '--out', dir]
    const submit = await cli(args, env())
    expect(submit.code).toBe(0)
    await waitUntil('the first checkpoint of task 0 on the cluster', () => existsSync(path.join(dir, 'tasks', '0', 'checkpoints', 'table1-box-seed0.ckpt.json')), 120_000)
    const cancel = await cli(['sweep', 'cancel', dir], env())
    expect(cancel.code).toBe(0)
    expect(cancel.stdout).toMatch(/cancelled Slurm job \d+/)
    const { arrayJobId, collectJobId } = readJson(path.join(dir, 'submissions.json'))[0] as { arrayJobId: string; collectJobId: string }
    await waitForJobsGone([arrayJobId, collectJobId], 60_000)
    const status = await cli(['sweep', 'status', dir], env())
    // task 0 was running: SIGTERM marks it interrupted; task 1 was pending (%1) and leaves no record
    expect(status.stdout).toMatch(/tasks: 1 pending, 1 interrupted/)
    const rerun = await cli([...args, '--wait'], env())
    expect(rerun.stderr).not.toMatch(/cl-reproduce:/)
    expect(rerun.code).toBe(0)
    expect(rerun.stderr).toMatch(/0 tasks complete \(skipped\); 2 to run, 1 of them resumed from their files/)
    expect(readFileSync(path.join(dir, 'logs', 'task-0.log'), 'utf8')).toMatch(/resuming in/)
    expect(readJson(path.join(dir, 'collected', 'summary.json')).tasks).toMatchObject({ total: 2, complete: 2 })
  }, 300_000)
})
