import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main, type CliDeps } from './cli.js'
import { resultSchema } from './run/result-schema.js'
import { failingExperiment, resumable, toyExperiment, trainingToy } from './run/toy-experiment.test-helper.js'

function cli(args: string[], deps: CliDeps = {}) {
  const out: string[] = []
  const err: string[] = []
  const run = main(args, { experiments: [toyExperiment, failingExperiment], io: { out: (l) => out.push(l), err: (l) => err.push(l) }, ...deps })
  return run.then((code) => ({ code, out, err }))
}
const tmp = () => mkdtempSync(path.join(tmpdir(), 'cl-reproduce-'))

describe('cl-reproduce', () => {
  it('list prints one line per experiment', async () => {
    const r = await cli(['list'])
    expect(r.code).toBe(0)
    expect(r.out).toEqual([expect.stringMatching(/^toy\s+sums n ones/), expect.stringMatching(/^failing/)])
  })

  it('accepts a leading -- from script wrappers', async () => {
    const r = await cli(['--', 'list'])
    expect(r.code).toBe(0)
    expect(r.out[0]).toMatch(/^toy/)
  })

  it('list says so when nothing is registered', async () => {
    const r = await main(['list'], { experiments: [], io: { out: (l) => expect(l).toBe('no experiments registered yet'), err: () => {} } })
    expect(r).toBe(0)
  })

  it('backends prints every backend with its availability and the auto choice', async () => {
    const r = await cli(['backends'], {
      probe: async () => [
        { backend: 'tensorflow', available: false, autoEligible: false, detail: 'not built' },
        { backend: 'webgpu', available: true, autoEligible: false, detail: 'software adapter' },
        { backend: 'wasm', available: true, autoEligible: true, detail: 'WebAssembly' },
        { backend: 'cpu', available: true, autoEligible: true, detail: 'JS' },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.out[0]).toMatch(/^tensorflow\s+unavailable\s+not built$/)
    expect(r.out[1]).toMatch(/^webgpu\s+available \(forced only\)/)
    expect(r.out.at(-1)).toBe('auto would choose: wasm')
  })

  it('run writes result.json (schema-valid), report.md and figures into a fresh directory and marks it complete', async () => {
    const out = path.join(tmp(), 'run1')
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--seed', '5', '--seeds', '2', '--out', out])
    expect(r.err.join('\n')).toMatch(/backend: cpu/)
    expect(r.code).toBe(0)
    expect(r.out).toEqual([`toy: 1/1 claims hold -> ${out}`])
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.seeds).toEqual([5, 6])
    expect(result.backend.name).toBe('cpu')
    expect(result.metrics).toEqual({ sum: 4 })
    expect(result.config).toEqual({ n: 4 })
    expect(JSON.parse(readFileSync(path.join(out, 'status.json'), 'utf8')).state).toBe('complete')
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/✅ holds \| the sum of n ones is n/)
    expect(existsSync(path.join(out, 'toy.svg'))).toBe(true)
  })

  it('never overwrites a finished run', async () => {
    const out = path.join(tmp(), 'run')
    expect((await cli(['run', 'toy', '--backend', 'cpu', '--out', out])).code).toBe(0)
    const before = statSync(path.join(out, 'result.json')).mtimeMs
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--out', out, '--set', 'n=7'])
    expect(r.code).toBe(2)
    expect(r.err.at(-1)).toMatch(/already holds a finished run/)
    expect(statSync(path.join(out, 'result.json')).mtimeMs).toBe(before)
    expect(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')).metrics.sum).toBe(4)
  })

  it('run nope fails with one line and creates nothing', async () => {
    const out = path.join(tmp(), 'nope')
    const r = await cli(['run', 'nope', '--out', out])
    expect(r.code).not.toBe(0)
    expect(r.err).toEqual(["cl-reproduce: unknown experiment 'nope' (available: toy, failing, or 'all')"])
    expect(existsSync(out)).toBe(false)
  })

  it('--backend tensorflow without the binding fails with one line and creates no run directory', async () => {
    const out = path.join(tmp(), 'tf')
    const r = await cli(['run', 'toy', '--backend', 'tensorflow', '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toHaveLength(1)
    expect(r.err[0]).toMatch(/^cl-reproduce: backend 'tensorflow' is unavailable: .*without its libtensorflow binding/)
    expect(existsSync(out)).toBe(false)
  })

  it('a failing experiment leaves its directory marked failed, never complete', async () => {
    const out = path.join(tmp(), 'fail')
    const r = await cli(['run', 'failing', '--backend', 'cpu', '--out', out])
    expect(r.code).toBe(1)
    expect(r.err.at(-1)).toBe('cl-reproduce: loss became NaN at step 3')
    expect(existsSync(path.join(out, 'result.json'))).toBe(false)
    const status = JSON.parse(readFileSync(path.join(out, 'status.json'), 'utf8'))
    expect(status).toMatchObject({ state: 'failed', error: 'loss became NaN at step 3' })
  })

  it('--set overrides are validated against the experiment schema before anything is created', async () => {
    const out = path.join(tmp(), 'bad')
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--out', out, '--set', 'n=0'])
    expect(r.code).toBe(2)
    expect(r.err.at(-1)).toBe('cl-reproduce: invalid config.n: expected a number > 0, received 0')
    expect(existsSync(out)).toBe(false)
    const ok = await cli(['run', 'toy', '--backend', 'cpu', '--out', path.join(tmp(), 'ok'), '--set', 'n=9'])
    expect(ok.code).toBe(0)
  })

  it('rejects unknown presets and bad seeds through the CLI parser', async () => {
    expect((await cli(['run', 'toy', '--preset', 'huge'])).code).not.toBe(0)
    expect((await cli(['run', 'toy', '--seed', '-1'])).code).not.toBe(0)
  })

  it('run all --backend tensorflow fails even with nothing registered', async () => {
    const r = await main(['run', 'all', '--backend', 'tensorflow'], { experiments: [], io: { out: () => {}, err: (l) => expect(l).toMatch(/tensorflow' is unavailable/) } })
    expect(r).toBe(2)
  })

  it('run all runs every experiment into <out>/<id>, stops at the first failure and writes the index', async () => {
    const out = path.join(tmp(), 'all')
    const r = await cli(['run', 'all', '--backend', 'cpu', '--out', out])
    expect(r.code).toBe(1)
    expect(existsSync(path.join(out, 'toy', 'result.json'))).toBe(true)
    expect(existsSync(path.join(out, 'failing', 'result.json'))).toBe(false)
    const index = readFileSync(path.join(out, 'index.md'), 'utf8')
    expect(index).toMatch(/\| `toy` \| none \(test fixture\) \| complete \| 1\/1 \| \d+ s \| \[report\]\(toy\/report\.md\) \|/)
    expect(index).toMatch(/\| `failing` \| none \(test fixture\) \| failed \| – \|/)
    expect(index).toMatch(/✅ holds \| the sum of n ones is n \| 4 \|/)
    const json = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as { experiments: { id: string; status: string }[] }
    expect(json.experiments.map((e) => [e.id, e.status])).toEqual([['toy', 'complete'], ['failing', 'failed']])
    expect(r.out.at(-1)).toBe(`index: ${path.join(out, 'index.md')}`)
    // the index never lands in a directory that already holds something
    const again = await cli(['run', 'all', '--backend', 'cpu', '--out', out])
    expect(again.code).toBe(2)
    expect(again.err.at(-1)).toMatch(/exists and is not empty/)
  })

  describe('run all --jobs N: experiments as child processes', () => {
    const toyA = { ...toyExperiment, id: 'toy-a' }
    const toyB = { ...toyExperiment, id: 'toy-b' }
    const toyC = { ...toyExperiment, id: 'toy-c' }
    /** Runs each child in-process through main(), counting how many run at once. */
    function inProcess(experiments: NonNullable<CliDeps['experiments']>) {
      const calls: string[][] = []
      let running = 0
      let peak = 0
      const spawn: CliDeps['spawn'] = (args, onLine) => {
        calls.push([...args])
        running++
        peak = Math.max(peak, running)
        const done = main([...args], { experiments, io: { out: (l) => onLine('out', l), err: (l) => onLine('err', l) } }).then(async (code) => {
          await new Promise((r) => setTimeout(r, 20)) // let the other children overlap
          running--
          return code
        })
        return { done, kill: () => {} }
      }
      return { spawn, calls, peak: () => peak }
    }

    it('runs every experiment with the same arguments into <out>/<id>, at most N at once, then writes the index', async () => {
      const experiments = [toyA, toyB, toyC]
      const child = inProcess(experiments)
      const out = path.join(tmp(), 'par')
      const r = await cli(['run', 'all', '--jobs', '2', '--backend', 'cpu', '--out', out, '--set', 'n=3'], { experiments, spawn: child.spawn })
      expect(r.code, r.err.join('\n')).toBe(0)
      expect(child.calls).toEqual(['toy-a', 'toy-b', 'toy-c'].map((id) => ['run', id, '--preset', 'quick', '--seed', '0', '--seeds', '1', '--backend', 'cpu', '--set', 'n=3', '--out', path.join(out, id)]))
      expect(child.peak()).toBe(2)
      for (const id of ['toy-a', 'toy-b', 'toy-c']) expect(resultSchema.parse(JSON.parse(readFileSync(path.join(out, id, 'result.json'), 'utf8'))).config).toEqual({ n: 3 })
      expect(r.out.filter((l) => / claims hold -> /.test(l))).toHaveLength(3)
      expect(r.err.some((l) => l.startsWith('[toy-b] '))).toBe(true)
      expect(readFileSync(path.join(out, 'index.md'), 'utf8').match(/\| complete \| 1\/1 \|/g)).toHaveLength(3)
    })

    it('a failing child stops new starts; its exit code is returned and the index says which did not run', async () => {
      const experiments = [failingExperiment, toyA, toyB]
      const child = inProcess(experiments)
      const out = path.join(tmp(), 'parfail')
      const r = await cli(['run', 'all', '--jobs', '2', '--backend', 'cpu', '--out', out], { experiments, spawn: child.spawn })
      expect(r.code).toBe(1)
      expect(child.calls.map((c) => c[1])).toEqual(['failing', 'toy-a'])
      expect(r.err).toContain('[failing] exited with code 1')
      const json = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as { experiments: { id: string; status: string }[] }
      expect(json.experiments.map((e) => [e.id, e.status])).toEqual([['failing', 'failed'], ['toy-a', 'complete'], ['toy-b', 'not started']])
    })

    it('validates every config before starting anything, and refuses --jobs with --resume', async () => {
      const experiments = [toyA, toyB]
      const child = inProcess(experiments)
      const out = path.join(tmp(), 'parbad')
      const bad = await cli(['run', 'all', '--jobs', '2', '--backend', 'cpu', '--out', out, '--set', 'n=-1'], { experiments, spawn: child.spawn })
      expect(bad.code).toBe(2)
      expect(bad.err.at(-1)).toMatch(/invalid config\.n/)
      expect(child.calls).toEqual([])
      expect(existsSync(out)).toBe(false)
      const resume = await cli(['run', 'all', '--jobs', '2', '--resume', out], { experiments, spawn: child.spawn })
      expect(resume.code).toBe(2)
      expect(resume.err.at(-1)).toMatch(/--jobs runs fresh experiments/)
    })
  })

  it('--resume continues a failed run with its recorded config, skipping finished stages, and marks it complete', async () => {
    const out = path.join(tmp(), 'resume')
    const deps = { experiments: [resumable] }
    const first = await cli(['run', 'resumable', '--backend', 'cpu', '--out', out, '--set', 'n=5'], deps)
    expect(first.code).toBe(1)
    expect(JSON.parse(readFileSync(path.join(out, 'status.json'), 'utf8'))).toMatchObject({ state: 'failed', resume: `cl-reproduce run resumable --resume ${out}` })
    expect(existsSync(path.join(out, 'result.json'))).toBe(false)
    expect(resumable.computed).toEqual([0])
    expect((await cli(['run', 'resumable', '--resume', out, '--set', 'n=6'], deps)).code).toBe(2) // no config changes on resume
    const second = await cli(['run', 'resumable', '--backend', 'cpu', '--resume', out], deps)
    expect(second.code, second.err.join('\n')).toBe(0)
    expect(resumable.computed).toEqual([0, 1, 2])
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.metrics).toEqual({ values: [0, 5, 10] })
    expect(result.config).toEqual({ n: 5 })
    const again = await cli(['run', 'resumable', '--backend', 'cpu', '--resume', out], deps)
    expect(again.err.join('\n')).toMatch(/already complete/)
  })

  it('--resume refuses a directory that is not a run of that experiment', async () => {
    const out = path.join(tmp(), 'other')
    expect((await cli(['run', 'failing', '--backend', 'cpu', '--out', out])).code).toBe(1)
    const wrong = await cli(['run', 'toy', '--backend', 'cpu', '--resume', out])
    expect(wrong.err.at(-1)).toMatch(/holds a run of 'failing', not 'toy'/)
    const r = await cli(['run', 'failing', '--backend', 'cpu', '--resume', path.join(tmp(), 'missing')])
    expect(r.err.at(-1)).toMatch(/does not exist: nothing to resume/)
  })

  it('Ctrl-C stops training at the next step, checkpoints, marks the run interrupted (exit 130); --resume finishes it', async () => {
    const out = path.join(tmp(), 'sigint')
    const deps = { experiments: [trainingToy] }
    const first = await cli(['run', 'training', '--backend', 'cpu', '--out', out], deps)
    expect(first.code).toBe(130)
    expect(first.err.at(-1)).toBe('cl-reproduce: interrupted by SIGINT')
    expect(JSON.parse(readFileSync(path.join(out, 'status.json'), 'utf8'))).toMatchObject({ state: 'interrupted', resume: `cl-reproduce run training --resume ${out}` })
    expect(existsSync(path.join(out, 'result.json'))).toBe(false)
    expect(JSON.parse(readFileSync(path.join(out, 'checkpoints', 'lsq.ckpt.json'), 'utf8')).step).toBe(51)
    const second = await cli(['run', 'training', '--backend', 'cpu', '--resume', out], deps)
    expect(second.code, second.err.join('\n')).toBe(0)
    expect(trainingToy.stepsRun).toEqual([149])
    expect(resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'))).claims[0]!.holds).toBe(true)
  })
})
