import { describe, expect, it } from 'vitest'
import { longestFirst } from './local-executor.js'
import { queuedJobs, sbatch, scancel, systemSlurm, type SlurmRunner } from './slurm.js'

/** A recorded Slurm: answers from a table, remembers the calls. */
function fakeSlurm(answers: Partial<Record<string, { code: number; stdout: string; stderr: string }>>): SlurmRunner & { calls: string[][] } {
  const calls: string[][] = []
  const run = ((command, args) => {
    calls.push([command, ...args])
    return answers[command] ?? { code: 0, stdout: '', stderr: '' }
  }) as SlurmRunner & { calls: string[][] }
  run.calls = calls
  return run
}

describe('sbatch', () => {
  it('returns the job id of --parsable output, dropping a ;cluster suffix', () => {
    expect(sbatch(fakeSlurm({ sbatch: { code: 0, stdout: '4242;cluster\n', stderr: '' } }), 'a.sbatch')).toBe('4242')
  })
  it('names the script and what sbatch printed when it fails', () => {
    expect(() => sbatch(fakeSlurm({ sbatch: { code: 1, stdout: '', stderr: 'sbatch: error: invalid partition specified: gpu\n' } }), 'a.sbatch')).toThrow(/sbatch: could not submit a\.sbatch: sbatch: error: invalid partition/)
  })
})

describe('queuedJobs', () => {
  const squeue = ['17|0|RUNNING|0:05|vm', '17|1|PENDING|0:00|(Resources)', '17|N/A|PENDING|0:00|(Dependency)', '18|N/A|PENDING|0:00|(Dependency)', '99|3|RUNNING|1:00|vm'].join('\n')
  it("keeps the sweep's jobs only, with array task indices and where they wait", () => {
    const slurm = fakeSlurm({ squeue: { code: 0, stdout: `${squeue}\n`, stderr: '' } })
    expect(queuedJobs(slurm, ['17', '18'])).toEqual([
      { jobId: '17', taskIndex: 0, state: 'RUNNING', time: '0:05', where: 'vm' },
      { jobId: '17', taskIndex: 1, state: 'PENDING', time: '0:00', where: '(Resources)' },
      { jobId: '17', state: 'PENDING', time: '0:00', where: '(Dependency)' },
      { jobId: '18', state: 'PENDING', time: '0:00', where: '(Dependency)' },
    ])
    expect(slurm.calls[0]!.slice(0, 3)).toEqual(['squeue', '-h', '-r'])
    expect(queuedJobs(slurm, [])).toEqual([])
    expect(slurm.calls).toHaveLength(1) // no job ids: squeue is not asked
  })
  it('scancel cancels only jobs still queued', () => {
    const slurm = fakeSlurm({ squeue: { code: 0, stdout: squeue, stderr: '' } })
    expect(scancel(slurm, ['18', '5'])).toEqual(['18'])
    expect(slurm.calls[1]).toEqual(['scancel', '18'])
  })
})

describe('systemSlurm', () => {
  it('a missing client tool is a SlurmError that says what to install or use instead', () => {
    const path = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      expect(() => systemSlurm('sbatch', ['--version'])).toThrow(/sbatch: not found on PATH.*--executor local/)
    } finally {
      process.env.PATH = path
    }
  })
})

describe('longestFirst', () => {
  it('orders by work estimate, largest first, then by index', () => {
    const t = (index: number, work: number) => ({ index, work, point: {}, pointIndex: 0, seed: 0, dir: `tasks/${index}` })
    expect(longestFirst([t(0, 10), t(1, 30), t(2, 10), t(3, 30)]).map((x) => x.index)).toEqual([1, 3, 0, 2])
  })
})
