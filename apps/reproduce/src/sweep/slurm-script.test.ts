import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { table1 } from '../experiments/table1/index.js'
import { parseGrid } from './grid.js'
import { planSweep } from './plan.js'
import { arrayList, arrayScript, assertSbatchSafePath, collectScript, shellQuote } from './slurm-script.js'

const manifest = planSweep({ experiment: table1, preset: 'quick', grid: parseGrid(['tau=0.5,1']), seed: 0, seeds: 3, overrides: {}, backend: 'wasm', threads: 1, appVersion: '9.9.9' })
const launcher = { node: '/opt/node 20/bin/node', cli: "/shared/it's/cli.js", appVersion: '9.9.9' }

describe('arrayList', () => {
  it('writes sorted indices with runs of consecutive ones as ranges', () => {
    expect(arrayList([5, 0, 1, 2, 9, 7, 8])).toBe('0-2,5,7-9')
    expect(arrayList([3])).toBe('3')
    expect(arrayList([1, 1, 2])).toBe('1-2')
  })
})

describe('shellQuote', () => {
  it('round-trips any string through bash', () => {
    for (const s of ['plain/path.js', 'with space', "it's", 'a"b$c`d\\e', '']) {
      expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(s) || "''"}`], { encoding: 'utf8' })).toBe(s)
    }
  })
})

describe('arrayScript', () => {
  const dir = '/shared/sweeps/t1'
  it('runs one sweep task per array index, appends to the task logs, passes the options through', () => {
    const script = arrayScript(dir, manifest, [1, 4, 5], { partition: 'gpu', time: '2:00:00', mem: '4G', gres: 'gpu:1', cpusPerTask: 4, maxRunning: 2, extra: ['--account=lab', '#SBATCH --qos=long'] }, launcher)
    const sbatch = script.split('\n').filter((l) => l.startsWith('#SBATCH'))
    expect(sbatch).toEqual([
      '#SBATCH --job-name=cl-sweep-table1',
      '#SBATCH --array=1,4-5%2',
      '#SBATCH --output=/shared/sweeps/t1/logs/task-%a.log',
      '#SBATCH --open-mode=append',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=2:00:00',
      '#SBATCH --mem=4G',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --account=lab',
      '#SBATCH --qos=long',
    ])
    expect(script).toContain(`exec '/opt/node 20/bin/node' '/shared/it'\\''s/cli.js' sweep task /shared/sweeps/t1 "\${SLURM_ARRAY_TASK_ID}" --threads "\${SLURM_CPUS_PER_TASK}"`)
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cl-sbatch-')), 'a.sbatch')
    writeFileSync(file, script)
    execFileSync('bash', ['-n', file]) // valid bash
  })

  it('the collect job has no per-task resources and appends to logs/collect.log', () => {
    const script = collectScript(dir, manifest, '123', { partition: 'gpu', time: '9:00:00', gres: 'gpu:1', extra: [] }, launcher)
    expect(script).toContain('#SBATCH --output=/shared/sweeps/t1/logs/collect.log')
    expect(script).toContain('#SBATCH --partition=gpu')
    expect(script).not.toContain('--gres')
    expect(script).not.toContain('--time')
    expect(script).toMatch(/cli\.js' collect \/shared\/sweeps\/t1\n/)
  })

  it('refuses what #SBATCH lines cannot carry, naming the option', () => {
    expect(() => assertSbatchSafePath('/a b/c', '--out')).toThrow(/--out/)
    expect(() => arrayScript(dir, manifest, [0], { extra: ['--a\n--b'] }, launcher)).toThrow(/--sbatch/)
    expect(() => arrayScript(dir, manifest, [0], { extra: ['  '] }, launcher)).toThrow(/--sbatch/)
  })
})
