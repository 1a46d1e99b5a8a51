import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { autoThreads } from './run/threads.js'
import { describe, expect, it } from 'vitest'
import { main, type CliDeps } from './cli.js'
import { resultSchema } from './run/result-schema.js'
import { EXPERIMENTS } from './experiments/registry.js'
import { configKeys } from './run/config-keys.js'
import { EXIT_CODES } from './run/exit-codes.js'
import { makeDirs, nodeWriter, type RunWriter } from './run/run-dir.js'
import { LOCK_FILE } from './run/run-lock.js'
import {
  divergingExperiment,
  failingExperiment,
  failsOnce,
  resumable,
  signalledAtTheEnd,
  slowExperiment,
  toyExperiment,
  trainingToy,
} from './run/toy-experiment.test-helper.js'

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
        { backend: 'wasm', available: true, autoEligible: true, detail: 'WebAssembly', convTraining: { able: false, missing: ['Conv2DBackpropFilter'] } },
        { backend: 'cpu', available: true, autoEligible: true, detail: 'JS', convTraining: { able: true, missing: [] } },
      ],
    })
    expect(r.code).toBe(0)
    expect(r.out[0]).toMatch(/^tensorflow\s+unavailable\s+not built$/)
    expect(r.out[1]).toMatch(/^webgpu\s+available \(forced only\)/)
    expect(r.out[2]).toMatch(/^wasm\s+available\s+WebAssembly$/)
    expect(r.out[3]).toMatch(/^\s+conv-net training: no \(missing: Conv2DBackpropFilter\)$/)
    expect(r.out[5]).toMatch(/^\s+conv-net training: yes$/)
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

  it('run with several ids runs just those as a group (one root, index in the order given) and refuses repeats and all+ids', async () => {
    const toyA = { ...toyExperiment, id: 'toy-a' }
    const toyB = { ...toyExperiment, id: 'toy-b' }
    const experiments = [toyExperiment, toyA, toyB, failingExperiment]
    const out = path.join(tmp(), 'group')
    const r = await cli(['run', 'toy-b', 'toy', '--backend', 'cpu', '--out', out], { experiments })
    expect(r.code).toBe(0)
    expect(readdirSync(out).filter((f) => !f.includes('.')).sort()).toEqual(['toy', 'toy-b'])
    const json = JSON.parse(readFileSync(path.join(out, 'index.json'), 'utf8')) as { experiments: { id: string; status: string }[] }
    expect(json.experiments.map((e) => [e.id, e.status])).toEqual([['toy-b', 'complete'], ['toy', 'complete']])
    const twice = await cli(['run', 'toy', 'toy', '--backend', 'cpu', '--out', path.join(tmp(), 'x')], { experiments })
    expect(twice.code).toBe(2)
    expect(twice.err.at(-1)).toMatch(/experiment 'toy' is named twice/)
    const mixed = await cli(['run', 'all', 'toy', '--backend', 'cpu', '--out', path.join(tmp(), 'y')], { experiments })
    expect(mixed.code).toBe(2)
    expect(mixed.err.at(-1)).toMatch(/give 'all' alone or experiment ids/)
    const unknown = await cli(['run', 'toy', 'nope', '--backend', 'cpu', '--out', path.join(tmp(), 'z')], { experiments })
    expect(unknown.code).toBe(2)
    expect(unknown.err.at(-1)).toMatch(/unknown experiment 'nope'/)
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
      // --threads auto shares the cores among the --jobs children; each child gets its share explicitly.
      const threads = String(autoThreads(2))
      expect(child.calls).toEqual(['toy-a', 'toy-b', 'toy-c'].map((id) => ['run', id, '--preset', 'quick', '--seed', '0', '--seeds', '1', '--backend', 'cpu', '--threads', threads, '--set', 'n=3', '--out', path.join(out, id)]))
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

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'))
/** A writer that fails like a full disk for files whose final name matches `failing`. */
function fullDisk(failing: RegExp): RunWriter {
  return {
    writeFile(file, data) {
      if (failing.test(file.replace(/\.[^.]+\.tmp$/, ''))) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      nodeWriter.writeFile(file, data)
    },
  }
}
const noTempFiles = (dir: string) => expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])

describe('cl-reproduce config', () => {
  const lines: string[] = []
  it('prints the resolved config as JSON (preset + --set)', async () => {
    const r = await cli(['config', 'toy'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out.join('\n'))).toEqual({ n: 4 })
    expect(JSON.parse((await cli(['config', 'toy', '--preset', 'paper'])).out.join('\n'))).toEqual({ n: 8 })
    expect(JSON.parse((await cli(['config', 'toy', '--set', 'n=11'])).out.join('\n'))).toEqual({ n: 11 })
  })

  it('--keys lists every --set key with type, range and meaning', async () => {
    const r = await cli(['config', 'toy', '--keys'])
    expect(r.code).toBe(0)
    expect(r.out).toEqual(['n  integer  > 0'])
  })

  it('--keys prints one line per schema key for every registered experiment', async () => {
    for (const experiment of EXPERIMENTS) {
      const r = await main(['config', experiment.id, '--keys'], { io: { out: (l) => lines.push(l), err: () => {} } })
      expect(r).toBe(0)
      expect(lines.map((l) => l.split(/\s+/)[0]!.replace(/\?$/, ''))).toEqual(configKeys(experiment).map((k) => k.key))
      lines.length = 0
    }
  })

  it('an unknown --set key names the experiment and lists the valid keys (config and run, exit 2, nothing created)', async () => {
    const r = await cli(['config', 'toy', '--set', 'm=3'])
    expect(r.code).toBe(EXIT_CODES.usage)
    expect(r.err).toEqual(["cl-reproduce: invalid --set m: expected a config key of 'toy' (one of: n; see 'cl-reproduce config toy --keys'), received 3"])
    const out = path.join(tmp(), 'unknown-key')
    const run = await cli(['run', 'toy', '--backend', 'cpu', '--out', out, '--set', 'm=3'])
    expect(run.code).toBe(EXIT_CODES.usage)
    expect(run.err.at(-1)).toMatch(/invalid --set m: expected a config key of 'toy'/)
    expect(existsSync(out)).toBe(false)
  })

  it('a bad value names the field once', async () => {
    const r = await cli(['config', 'toy', '--set', 'n=abc'])
    expect(r.code).toBe(EXIT_CODES.usage)
    expect(r.err).toEqual(['cl-reproduce: invalid config.n: expected a number, received "abc"'])
    expect((await cli(['config', 'nope'])).code).toBe(EXIT_CODES.usage)
  })
})

describe('exit codes', () => {
  it('are documented in --help', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    const help = r.out.join('\n')
    for (const line of [/0\s+done/, /1\s+a run failed/, /2\s+refused before anything was written/, /130\s+stopped by SIGINT/, /143\s+stopped by SIGTERM/]) expect(help).toMatch(line)
  })

  it('0 ok, 1 a failed run, 2 usage (unknown option, missing argument, bad value)', async () => {
    expect((await cli(['run', 'toy', '--backend', 'cpu', '--out', path.join(tmp(), 'ok')])).code).toBe(EXIT_CODES.ok)
    expect((await cli(['run', 'failing', '--backend', 'cpu', '--out', path.join(tmp(), 'f')])).code).toBe(EXIT_CODES.failed)
    expect((await cli(['run', 'toy', '--frobnicate'])).code).toBe(EXIT_CODES.usage)
    expect((await cli(['run'])).code).toBe(EXIT_CODES.usage)
    expect((await cli(['run', 'toy', '--jobs', 'two'])).code).toBe(EXIT_CODES.usage)
    expect((await cli(['frobnicate'])).code).toBe(EXIT_CODES.usage)
  })
})

describe('validation before a run directory exists', () => {
  const refused = async (args: string[], message: RegExp) => {
    const out = path.join(tmp(), 'never')
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--out', out, ...args])
    expect(r.code, r.err.join('\n')).toBe(EXIT_CODES.usage)
    expect(r.err.join('\n')).toMatch(message)
    expect(existsSync(out)).toBe(false)
  }
  it('a seed range that leaves [0, 2^53 − 1]', () => refused(['--seed', '9007199254740991', '--seeds', '2'], /invalid --seed: expected an integer in \[0, 9007199254740990\]/))
  it("--seed '' (Number('') is 0)", () => refused(['--seed', ''], /option '--seed <n>' argument '' is invalid/))
  it('--seeds 1e9 and --seeds above the documented bound', async () => {
    await refused(['--seeds', '1e9'], /option '--seeds <k>' argument '1e9' is invalid. expected an integer in \[1, 1000\]/)
    await refused(['--seeds', '1001'], /expected an integer in \[1, 1000\]/)
  })
  it('the last valid seed range still runs', async () => {
    const out = path.join(tmp(), 'edge')
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--out', out, '--seed', '9007199254740990', '--seeds', '2'])
    expect(r.code, r.err.join('\n')).toBe(0)
    expect(resultSchema.parse(json(path.join(out, 'result.json'))).seeds).toEqual([9007199254740990, 9007199254740991])
  })
  it("every experiment's preflight runs first (run all: no root is created when the second one refuses)", async () => {
    const seen: unknown[] = []
    const ok = { ...toyExperiment, id: 'ok', preflight: (c: { n: number }) => void seen.push(c) }
    const heavy = {
      ...toyExperiment,
      id: 'heavy',
      preflight: (c: { n: number }) => {
        seen.push(c)
        if (c.n > 5) throw new Error('train.batchSize 4096 needs 80 GiB; at most 8 GiB fit')
      },
    }
    const out = path.join(tmp(), 'preflight')
    const r = await cli(['run', 'all', '--backend', 'cpu', '--out', out, '--set', 'n=6'], { experiments: [ok, heavy] })
    expect(r.code).toBe(EXIT_CODES.usage)
    expect(r.err.at(-1)).toBe('cl-reproduce: train.batchSize 4096 needs 80 GiB; at most 8 GiB fit')
    expect(seen).toEqual([{ n: 6 }, { n: 6 }])
    expect(existsSync(out)).toBe(false)
  })
  it('directories are created one level at a time: a level the kernel refuses fails once, naming it', () => {
    // procfs answers ENOENT for mkdir; Node's recursive mkdir retried that forever
    if (existsSync('/proc/self')) expect(() => makeDirs('/proc/x/run')).toThrow('--out /proc/x/run: cannot create /proc/x: ENOENT')
    const base = tmp()
    makeDirs(path.join(base, 'a', 'b', 'c'))
    expect(statSync(path.join(base, 'a', 'b', 'c')).isDirectory()).toBe(true)
    writeFileSync(path.join(base, 'file'), '')
    expect(() => makeDirs(path.join(base, 'file', 'x'))).toThrow(/file is not a directory/)
  })
  it.skipIf(!existsSync('/proc/self'))('--out under /proc fails in one line before anything runs (no endless mkdir)', async () => {
    const started = Date.now()
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--out', '/proc/x/run'])
    expect(r.code).toBe(EXIT_CODES.usage)
    expect(r.err).toEqual(['cl-reproduce: --out /proc/x/run: /proc is on procfs, a kernel pseudo-filesystem; choose a directory on a disk'])
    expect(Date.now() - started).toBeLessThan(3000)
  })
})

describe('runs that cannot be lost', () => {
  it('a full disk while writing a figure: the run is failed naming the file, no result, no temp file', async () => {
    const out = path.join(tmp(), 'enospc-svg')
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--out', out], { writer: fullDisk(/toy\.svg$/) })
    expect(r.code).toBe(EXIT_CODES.failed)
    expect(r.err.at(-1)).toBe(`cl-reproduce: could not write ${path.join(out, 'toy.svg')}: ENOSPC: no space left on device, write`)
    expect(json(path.join(out, 'status.json'))).toMatchObject({ state: 'failed', error: expect.stringContaining('toy.svg'), code: 'CL_RUN_FILE' })
    expect(existsSync(path.join(out, 'result.json'))).toBe(false)
    expect(existsSync(path.join(out, 'toy.svg'))).toBe(false)
    expect(existsSync(path.join(out, LOCK_FILE))).toBe(false)
    noTempFiles(out)
  })

  it('a full disk for result.json and status.json: the real error is reported, the failed status write too', async () => {
    const out = path.join(tmp(), 'enospc-all')
    const r = await cli(['run', 'toy', '--backend', 'cpu', '--out', out], { writer: fullDisk(/(result|status)\.json$/) })
    expect(r.code).toBe(EXIT_CODES.failed)
    expect(r.err.at(-1)).toBe(`cl-reproduce: could not write ${path.join(out, 'status.json')}: ENOSPC: no space left on device, write`)
    const out2 = path.join(tmp(), 'enospc-result')
    const r2 = await cli(['run', 'toy', '--backend', 'cpu', '--out', out2], { writer: fullDisk(/result\.json$/) })
    expect(r2.code).toBe(EXIT_CODES.failed)
    expect(r2.err.at(-1)).toMatch(/could not write .*result\.json: ENOSPC/)
    expect(json(path.join(out2, 'status.json')).state).toBe('failed')
    expect(existsSync(path.join(out2, 'result.json'))).toBe(false)
    noTempFiles(out2)
  })

  it('figures with a PNG are written (atomically) beside the SVG and listed in result.json; a failing PNG write fails the run', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
    const withPng = {
      ...toyExperiment,
      id: 'png',
      run: async (ctx: Parameters<typeof toyExperiment.run>[0]) => {
        const o = await toyExperiment.run(ctx)
        return { ...o, figures: o.figures.map((f) => ({ ...f, png })) }
      },
    }
    const out = path.join(tmp(), 'png')
    expect((await cli(['run', 'png', '--backend', 'cpu', '--out', out], { experiments: [withPng] })).code).toBe(0)
    expect(new Uint8Array(readFileSync(path.join(out, 'toy.png')))).toEqual(png)
    expect(resultSchema.parse(json(path.join(out, 'result.json'))).figures).toEqual([{ name: 'toy', caption: 'an empty figure', file: 'toy.svg', png: 'toy.png' }])
    const out2 = path.join(tmp(), 'png-full')
    const r = await cli(['run', 'png', '--backend', 'cpu', '--out', out2], { experiments: [withPng], writer: fullDisk(/toy\.png$/) })
    expect(r.code).toBe(EXIT_CODES.failed)
    expect(r.err.at(-1)).toMatch(/could not write .*toy\.png: ENOSPC/)
    expect(existsSync(path.join(out2, 'result.json'))).toBe(false)
    noTempFiles(out2)
  })

  it('a truncated run.json names the file and says how to continue', async () => {
    const out = path.join(tmp(), 'trunc')
    expect((await cli(['run', 'failing', '--backend', 'cpu', '--out', out])).code).toBe(1)
    const spec = readFileSync(path.join(out, 'run.json'), 'utf8')
    writeFileSync(path.join(out, 'run.json'), spec.slice(0, 20))
    const r = await cli(['run', 'failing', '--backend', 'cpu', '--resume', out])
    expect(r.code).toBe(EXIT_CODES.usage)
    expect(r.err.at(-1)).toMatch(new RegExp(`^cl-reproduce: ${path.join(out, 'run.json')} is not valid JSON \\(truncated\\? .*\\); it cannot be resumed; start failing fresh: move ${out} away \\(or delete it\\)`))
  })

  it('a truncated status.json does not block the resume, and the index says it is unreadable', async () => {
    const once = failsOnce('flaky')
    const out = path.join(tmp(), 'trunc-status')
    expect((await cli(['run', 'all', '--backend', 'cpu', '--out', out], { experiments: [once] })).code).toBe(1)
    writeFileSync(path.join(out, 'flaky', 'status.json'), '{"state": "fa')
    const resumed = await cli(['run', 'all', '--backend', 'cpu', '--resume', out], { experiments: [once] })
    expect(resumed.code, resumed.err.join('\n')).toBe(0)
    expect(json(path.join(out, 'flaky', 'status.json')).state).toBe('complete')
    writeFileSync(path.join(out, 'flaky', 'result.json'), '{"schemaVersion": 1, "exp')
    writeFileSync(path.join(out, 'flaky', 'status.json'), '{"state": "fa')
    const { collectIndex } = await import('./run/index-report.js')
    expect(collectIndex(out, [once])[0]!.status).toBe('unreadable result.json')
  })

  describe('run all --resume', () => {
    it('refuses a directory that is not a run all root', async () => {
      const single = path.join(tmp(), 'single')
      expect((await cli(['run', 'failing', '--backend', 'cpu', '--out', single])).code).toBe(1)
      const r = await cli(['run', 'all', '--resume', single])
      expect(r.code).toBe(EXIT_CODES.usage)
      expect(r.err.at(-1)).toBe(`cl-reproduce: --resume ${single}: is not a 'run all' directory (no run-all.json); it is a single run: resume it with 'cl-reproduce run <experiment> --resume ${single}'`)
      const root = path.join(tmp(), 'a-root')
      expect((await cli(['run', 'all', '--backend', 'cpu', '--out', root])).code).toBe(1)
      const one = await cli(['run', 'toy', '--resume', root])
      expect(one.code).toBe(EXIT_CODES.usage)
      expect(one.err.at(-1)).toMatch(/holds no run\.json: not a run directory of cl-reproduce; it is a 'run all' directory: resume it with 'cl-reproduce run all --resume /)
      const empty = tmp()
      const e = await cli(['run', 'all', '--resume', empty])
      expect(e.code).toBe(EXIT_CODES.usage)
      expect(readdirSync(empty)).toEqual([])
    })

    it("starts missing experiments with the root's recorded settings, not the resume command's", async () => {
      const first = failsOnce('first')
      const second = { ...toyExperiment, id: 'second' }
      const experiments = [first, second]
      const root = path.join(tmp(), 'root')
      const r1 = await cli(['run', 'all', '--backend', 'cpu', '--out', root, '--preset', 'paper', '--seed', '7', '--seeds', '2', '--set', 'n=5'], { experiments })
      expect(r1.code).toBe(1)
      expect(json(path.join(root, 'run-all.json'))).toEqual({ preset: 'paper', seed: 7, seeds: 2, backend: 'cpu', overrides: { n: 5 }, experiments: ['first', 'second'] })
      expect(existsSync(path.join(root, 'second'))).toBe(false)
      const r2 = await cli(['run', 'all', '--resume', root, '--preset', 'quick', '--seed', '0'], { experiments })
      expect(r2.code, r2.err.join('\n')).toBe(0)
      expect(r2.err.join('\n')).toMatch(/backend: cpu/)
      const result = resultSchema.parse(json(path.join(root, 'second', 'result.json')))
      expect({ preset: result.preset, seeds: result.seeds, config: result.config }).toEqual({ preset: 'paper', seeds: [7, 8], config: { n: 5 } })
      expect(json(path.join(root, 'index.json')).experiments.map((e: { status: string }) => e.status)).toEqual(['complete', 'complete'])
    })

    it('a truncated run-all.json names the file and says how to continue', async () => {
      const root = path.join(tmp(), 'root-trunc')
      expect((await cli(['run', 'all', '--backend', 'cpu', '--out', root], { experiments: [failsOnce('a'), toyExperiment] })).code).toBe(1)
      writeFileSync(path.join(root, 'run-all.json'), '{"preset": "qu')
      const r = await cli(['run', 'all', '--resume', root], { experiments: [toyExperiment] })
      expect(r.code).toBe(EXIT_CODES.usage)
      expect(r.err.at(-1)).toMatch(/run-all\.json is not valid JSON \(truncated\? .*\); the 'run all' settings are lost; start a fresh 'cl-reproduce run all' elsewhere/)
    })
  })

  describe('the index writer never hides the real error', () => {
    it('a failed run and a failed index: both are reported, exit 1', async () => {
      const out = path.join(tmp(), 'index-fail')
      const r = await cli(['run', 'all', '--backend', 'cpu', '--out', out], { writer: fullDisk(/index\.md$/) })
      expect(r.code).toBe(EXIT_CODES.failed)
      expect(r.err).toContain(`cl-reproduce: could not write the index of ${out}: could not write ${path.join(out, 'index.md')}: ENOSPC: no space left on device, write`)
      expect(r.err.at(-1)).toBe('cl-reproduce: loss became NaN at step 3')
    })
    it('all runs complete but the index fails: exit 1 with the index error', async () => {
      const out = path.join(tmp(), 'index-fail-ok')
      const r = await cli(['run', 'all', '--backend', 'cpu', '--out', out], { experiments: [toyExperiment], writer: fullDisk(/index\.md$/) })
      expect(r.code).toBe(EXIT_CODES.failed)
      expect(r.err.at(-1)).toMatch(/could not write the index of/)
      expect(existsSync(path.join(out, 'toy', 'result.json'))).toBe(true)
    })
  })

  describe('the run directory is locked while a run works in it', () => {
    it('a second --resume of a live run is refused; only one writes result.json', async () => {
      const once = failsOnce('locked')
      const slow = slowExperiment(300, 'locked')
      const out = path.join(tmp(), 'lock')
      expect((await cli(['run', 'locked', '--backend', 'cpu', '--out', out], { experiments: [once] })).code).toBe(1)
      const [a, b] = await Promise.all([
        cli(['run', 'locked', '--backend', 'cpu', '--resume', out], { experiments: [slow] }),
        new Promise((r) => setTimeout(r, 100)).then(() => cli(['run', 'locked', '--backend', 'cpu', '--resume', out], { experiments: [slow] })),
      ])
      // whichever took the lock first finishes; the other is refused (exit 2) and writes nothing
      const [winner, loser] = a.code === 0 ? [a, b] : [b, a]
      expect(winner.code, winner.err.join('\n')).toBe(0)
      expect(loser.code).toBe(EXIT_CODES.usage)
      expect(loser.err.at(-1)).toMatch(new RegExp(`^cl-reproduce: ${out} is in use: a run \\(pid ${process.pid}, since .*\\) is working in it`))
      expect(slow.runs).toBe(1)
      expect(existsSync(path.join(out, LOCK_FILE))).toBe(false)
    })

    it("a stale lock of a dead process is taken over", async () => {
      const once = failsOnce('stale')
      const out = path.join(tmp(), 'stale')
      expect((await cli(['run', 'stale', '--backend', 'cpu', '--out', out], { experiments: [once] })).code).toBe(1)
      const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout)
      writeFileSync(path.join(out, LOCK_FILE), JSON.stringify({ pid: dead, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', token: 'crashed' }))
      const r = await cli(['run', 'stale', '--backend', 'cpu', '--resume', out], { experiments: [once] })
      expect(r.code, r.err.join('\n')).toBe(0)
      expect(existsSync(path.join(out, 'result.json'))).toBe(true)
    })
  })

  describe('stop means stop', () => {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      it(`${signal} after the last training step: interrupted, not complete (exit ${code})`, async () => {
        const late = signalledAtTheEnd(signal)
        const out = path.join(tmp(), `late-${signal}`)
        const r = await cli(['run', late.id, '--backend', 'cpu', '--out', out], { experiments: [late] })
        expect(r.code).toBe(code)
        expect(r.err.at(-1)).toBe(`cl-reproduce: interrupted by ${signal}`)
        expect(existsSync(path.join(out, 'result.json'))).toBe(false)
        expect(json(path.join(out, 'status.json'))).toMatchObject({ state: 'interrupted', resume: `cl-reproduce run ${late.id} --resume ${out}` })
      })
    }

    it('in run all the stop is not cleared between experiments: the next one never starts', async () => {
      const late = signalledAtTheEnd('SIGINT')
      const next = slowExperiment(0, 'next')
      const out = path.join(tmp(), 'late-all')
      const r = await cli(['run', 'all', '--backend', 'cpu', '--out', out], { experiments: [late, next] })
      expect(r.code).toBe(130)
      expect(next.runs).toBe(0)
      expect(existsSync(path.join(out, 'next'))).toBe(false)
      expect(json(path.join(out, 'index.json')).experiments.map((e: { status: string }) => e.status)).toEqual(['interrupted', 'not started'])
    })
  })

  it('a diverged run (any toolkit error, e.g. CL_DIVERGED) ends failed with its message and step', async () => {
    const out = path.join(tmp(), 'diverged')
    const r = await cli(['run', 'diverging', '--backend', 'cpu', '--out', out], { experiments: [divergingExperiment] })
    expect(r.code).toBe(EXIT_CODES.failed)
    expect(r.err.at(-1)).toBe('cl-reproduce: training diverged at step 12: loss 1e+19 exceeds 1e6')
    expect(json(path.join(out, 'status.json'))).toMatchObject({ state: 'failed', code: 'CL_DIVERGED', error: 'training diverged at step 12: loss 1e+19 exceeds 1e6' })
    expect(existsSync(path.join(out, 'result.json'))).toBe(false)
  })
})
