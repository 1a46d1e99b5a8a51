import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI_BUILT, cli, readJson, startCli, tinyTable1, waitUntil } from './sweep-cli.test-helper.js'

// End to end through the built CLI: the local pool starts `cl-reproduce sweep task` processes, as a Slurm array would.
describe.runIf(CLI_BUILT)('cl-reproduce sweep --executor local', () => {
  const scratch = () => mkdtempSync(path.join(tmpdir(), 'cl-sweep-local-'))

  it('a task killed mid-run (SIGKILL) is the only one a rerun runs; it resumes to the uninterrupted result', async () => {
    const root = scratch()
    const dir = path.join(root, 'sweep')
    // 300 steps: checkpoints every 30, long enough (seconds) to be killed after the first one
    const args = ['sweep', 'table1', '--seeds', '2', ...tinyTable1(300), '--backend', 'cpu', '--threads', '1', '--out', dir]
    const first = startCli(args)
    const ckpt = path.join(dir, 'tasks', '0', 'checkpoints', 'table1-box-seed0.ckpt.json')
    await waitUntil('the first checkpoint of task 0', () => existsSync(ckpt))
    const { pid } = readJson(path.join(dir, 'tasks', '0', 'status.json')) as { pid: number }
    process.kill(pid, 'SIGKILL')
    const killed = await first.done
    expect(killed.code).toBe(1)
    expect(killed.stderr).toMatch(/task 0 \(\(no grid\), seed 0\): stopped \(exit code 137\)/)
    expect(killed.stderr).toMatch(/task 1 \(\(no grid\), seed 1\): complete/)
    expect(existsSync(path.join(dir, 'tasks', '0', 'result.json'))).toBe(false)

    const status = await cli(['sweep', 'status', dir])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/tasks: 1 complete, 1 stopped/)
    expect(status.stdout).toMatch(/task 0 \(\(no grid\), seed 0\): stopped/)

    const done1 = statSync(path.join(dir, 'tasks', '1', 'result.json'))
    const rerun = await cli(args)
    expect(rerun.stderr).not.toMatch(/cl-reproduce:/)
    expect(rerun.code).toBe(0)
    expect(rerun.stderr).toMatch(/1 task complete \(skipped\); 1 to run, 1 of them resumed from their files/)
    expect(rerun.stderr).not.toMatch(/task 1 .*started/)
    const after1 = statSync(path.join(dir, 'tasks', '1', 'result.json'))
    expect([after1.ino, after1.mtimeMs]).toEqual([done1.ino, done1.mtimeMs])
    expect(readFileSync(path.join(dir, 'logs', 'task-0.log'), 'utf8')).toMatch(/resuming in/)

    // the resumed task equals the same run uninterrupted (checkpoints restore every state: bit for bit)
    const ref = path.join(root, 'ref')
    const single = await cli(['run', 'table1', '--seed', '0', ...tinyTable1(300), '--backend', 'cpu', '--threads', '1', '--out', ref])
    expect(single.code).toBe(0)
    expect(readJson(path.join(dir, 'tasks', '0', 'result.json')).metrics.ours).toEqual(readJson(path.join(ref, 'result.json')).metrics.ours)
  }, 180_000)

  it('refuses to continue a sweep with other settings (exit 2), writing nothing', async () => {
    const dir = path.join(scratch(), 'sweep')
    const args = ['sweep', 'table1', '--grid', 'tau=0.5,1', ...tinyTable1(5), '--backend', 'cpu', '--out', dir, '--jobs', '2']
    const first = await cli(args)
    expect(first.code).toBe(0)
    expect(readJson(path.join(dir, 'sweep.json')).tasks).toHaveLength(2)
    const other = await cli(['sweep', 'table1', '--grid', 'tau=0.5,2', ...tinyTable1(5), '--backend', 'cpu', '--out', dir])
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/--out .*the settings this sweep was started with \(grid:/)
    const bad = await cli(['sweep', 'table1', '--grid', 'tau=1,-1', '--out', path.join(dir, 'x')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/point tau = -1/)
    expect(existsSync(path.join(dir, 'x'))).toBe(false)
    const cancel = await cli(['sweep', 'cancel', dir])
    expect(cancel.stdout).toMatch(/nothing to cancel/)
  }, 120_000)
})
