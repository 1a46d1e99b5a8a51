#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import * as tf from '@tensorflow/tfjs'
import { isClError } from '@cl/core'
import { BACKEND_NAMES } from './backend/candidates.js'
import { loadUserDgp } from './dgp/load-user-dgp.js'
import { probeBackends } from './backend/select.js'
import { PRESET_NAMES, type Experiment, type PresetName } from './experiments/experiment.js'
import { EXPERIMENTS } from './experiments/registry.js'
import { writeIndex } from './run/index-report.js'
import { parseOverrides } from './run/overrides.js'
import { nodeSpawner, runInParallel, type ChildSpawner } from './run/parallel.js'
import { assertFreshRunDir, defaultRunDir } from './run/run-dir.js'
import { resolveConfig, runExperiments, type RunOptions } from './run/runner.js'
import { APP_VERSION } from './version.js'

export { APP_VERSION }

/** Where the CLI writes: stdout for results, stderr for progress and errors. Injectable for tests. */
export interface CliIo {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
}

export interface CliDeps {
  readonly experiments?: readonly Experiment<any>[]
  readonly io?: CliIo
  readonly select?: RunOptions['select']
  readonly probe?: typeof probeBackends
  /** Starts child `cl-reproduce` processes for `run all --jobs N` (tests inject one). */
  readonly spawn?: ChildSpawner
}

function parseIntArg(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`)
    return n
  }
}

/** Build the `cl-reproduce` command tree. */
export function createProgram(deps: CliDeps = {}): Command {
  const experiments = deps.experiments ?? EXPERIMENTS
  const io: CliIo = deps.io ?? { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }
  const program = new Command('cl-reproduce')
    .description("Reproduce the experiments of 'Content suppresses style: dimensionality collapse in contrastive learning' (Rusak et al., 2022)")
    .version(APP_VERSION)
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .showHelpAfterError('(run cl-reproduce --help for usage)')

  program
    .command('list')
    .description('list the experiments, one line each')
    .action(() => {
      if (experiments.length === 0) {
        io.out('no experiments registered yet')
        return
      }
      const width = Math.max(...experiments.map((e) => e.id.length))
      for (const e of experiments) io.out(`${e.id.padEnd(width)}  ${e.summary} [${e.paperRef}]`)
    })

  program
    .command('backends')
    .description('show which TensorFlow.js backends are available here, and why not')
    .action(async () => {
      const rows = await (deps.probe ?? probeBackends)()
      for (const r of rows) {
        const status = r.available ? (r.autoEligible ? 'available' : 'available (forced only)') : 'unavailable'
        io.out(`${r.backend.padEnd(10)} ${status.padEnd(23)} ${r.detail}`)
      }
      const auto = rows.find((r) => r.available && r.autoEligible)
      io.out(`auto would choose: ${auto?.backend ?? 'nothing'}`)
    })

  program
    .command('run')
    .description("run an experiment (or 'all') and write result.json, report.md and figures into a fresh directory")
    .argument('<experiment>', "experiment id from 'cl-reproduce list', or 'all'")
    .addOption(new Option('--preset <name>', 'quick: minutes on a laptop CPU; paper: the paper settings (GPU territory)').choices(PRESET_NAMES).default('quick'))
    .option('--seed <n>', 'first random seed', parseIntArg('--seed', 0), 0)
    .option('--seeds <k>', 'number of seeds (seed, seed+1, …)', parseIntArg('--seeds', 1), 1)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--out <dir>', 'run directory (must not exist or be empty); default runs/<experiment>/<timestamp>-<preset>-seed<seed>')
    .option('--set <key=value...>', 'override a config value of the preset (validated)', [])
    .option('--resume <dir>', 'continue an interrupted or failed run in <dir> (its recorded config, preset and seeds are used)')
    .option('--dgp <file>', "an ES module whose default export builds a @cl/dgp Dgp from { space, dims, contentDims, seed }; replaces the paper's DGP (README 'Bring your own DGP')")
    .option('--jobs <n>', "run all: experiments at once, each in its own process (wasm and cpu use one core per process)", parseIntArg('--jobs', 1), 1)
    .action(async (id: string, opts: { preset: PresetName; seed: number; seeds: number; backend: RunOptions['backend']; out?: string; set: string[]; resume?: string; jobs: number; dgp?: string }) => {
      const chosen = id === 'all' ? experiments : experiments.filter((e) => e.id === id)
      if (chosen.length === 0 && id !== 'all') {
        const known = experiments.map((e) => e.id).join(', ') || 'none registered yet'
        throw new CommanderError(2, 'cl.unknownExperiment', `unknown experiment '${id}' (available: ${known}, or 'all')`)
      }
      const overrides = parseOverrides(opts.set)
      // Loaded (and checked) once here, before anything is written; `--jobs` children load the same file again.
      const userDgp = opts.dgp !== undefined ? await loadUserDgp(opts.dgp) : undefined
      // `run all`: every experiment in <root>/<id>, and an index of all verdicts in <root>/index.md.
      const multi = chosen.length > 1
      const root = !multi ? undefined : path.resolve(opts.resume ?? opts.out ?? defaultRunDir({ experiment: 'all', preset: opts.preset, seed: opts.seed }))
      const finishIndex = () => {
        if (root === undefined || !existsSync(root)) return
        writeIndex(root, chosen)
        io.out(`index: ${path.join(root, 'index.md')}`)
      }
      if (opts.jobs > 1 && multi) {
        if (opts.resume !== undefined) throw new CommanderError(2, 'cl.jobsWithResume', '--jobs runs fresh experiments; --resume continues them one at a time (drop --jobs)')
        for (const e of chosen) resolveConfig(e, opts.preset, overrides) // every config is valid before anything starts
        assertFreshRunDir(root!)
        const common = ['--preset', opts.preset, '--seed', String(opts.seed), '--seeds', String(opts.seeds), '--backend', opts.backend, ...opts.set.flatMap((s) => ['--set', s]), ...(userDgp !== undefined ? ['--dgp', userDgp.module] : [])]
        const jobs = chosen.map((e) => ({ id: e.id, args: ['run', e.id, ...common, '--out', path.join(root!, e.id)] }))
        const code = await runInParallel(jobs, { jobs: opts.jobs, spawn: deps.spawn ?? nodeSpawner(fileURLToPath(import.meta.url)), out: io.out, err: io.err })
        finishIndex()
        if (code !== 0) throw new CommanderError(code, 'cl.childFailed', code === 130 ? 'interrupted; continue with --resume' : 'an experiment failed (its [id] lines above say why)')
        return
      }
      if (multi && opts.resume === undefined) assertFreshRunDir(root!)
      const out = root ?? opts.out // `run all` writes <root>/<id>; --resume ignores it
      try {
        await runExperiments(chosen, {
          preset: opts.preset,
          seed: opts.seed,
          seeds: opts.seeds,
          backend: opts.backend,
          ...(out !== undefined ? { out } : {}),
          ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
          overrides,
          ...(userDgp !== undefined ? { userDgp } : {}),
          log: io.err,
          ...(deps.select !== undefined ? { select: deps.select } : {}),
          appVersion: APP_VERSION,
          onFinished: (experiment, { dir, result }) => {
            const held = result.claims.filter((c) => c.holds).length
            io.out(`${experiment.id}: ${held}/${result.claims.length} claims hold -> ${dir}`)
          },
        })
      } finally {
        finishIndex()
      }
      if (chosen.length === 0) io.out('no experiments registered yet: nothing to run')
    })
  return program
}

/** Run the CLI; returns the process exit code. Errors become one line on stderr. */
export async function main(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? { out: (l: string) => process.stdout.write(`${l}\n`), err: (l: string) => process.stderr.write(`${l}\n`) }
  tf.env().set('PROD', true)
  try {
    // `npm run x -- args` style wrappers may forward a leading `--`; commander would read everything after it as operands.
    const args = argv[0] === '--' ? argv.slice(1) : argv
    await createProgram({ ...deps, io }).parseAsync(args as string[], { from: 'user' })
    return 0
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0
      if (error.code.startsWith('cl.')) io.err(`cl-reproduce: ${error.message}`)
      return error.exitCode || 1
    }
    io.err(`cl-reproduce: ${error instanceof Error ? error.message : String(error)}`)
    // 130 = 128 + SIGINT, the shell convention for a run stopped by Ctrl-C.
    return isClError(error, 'CL_INTERRUPTED') ? 130 : 1
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1]
  if (entry === undefined) return false
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2))
}
