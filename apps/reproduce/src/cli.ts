#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import * as tf from '@tensorflow/tfjs'
import { isClError } from '@cl/core'
import { BACKEND_NAMES } from './backend/candidates.js'
import { formatConvTraining } from './backend/kernels.js'
import { probeBackends } from './backend/select.js'
import { loadUserDgp } from './dgp/load-user-dgp.js'
import { PRESET_NAMES, type Experiment, type PresetName } from './experiments/experiment.js'
import { EXPERIMENTS } from './experiments/registry.js'
import { configKeys, formatConfigKeys } from './run/config-keys.js'
import { EXIT_CODES, EXIT_CODES_HELP, runExitCode } from './run/exit-codes.js'
import { writeIndex } from './run/index-report.js'
import { parseOverrides } from './run/overrides.js'
import { nodeSpawner, runInParallel, type ChildSpawner } from './run/parallel.js'
import { writeRootSettings } from './run/run-all-root.js'
import { makeDirs, type RunWriter } from './run/run-dir.js'
import { executeRuns, paperDgpOnlyNote, planRuns, resolveConfig, selectRunBackend, type RunOptions } from './run/runner.js'
import { MAX_SEED, MAX_SEEDS, parseIntegerArg } from './run/seed-range.js'
import { autoThreads, MAX_THREADS, parseThreadsArg } from './run/threads.js'
import { collectSweep } from './sweep/collect/collect.js'
import { parseGrid } from './sweep/grid.js'
import { readManifest, taskStatus } from './sweep/manifest.js'
import { systemSlurm, type SlurmRunner } from './sweep/slurm.js'
import { cancelSweep, formatSweepStatus, sweepStatus } from './sweep/status.js'
import { runSweep, type SweepExecutor } from './sweep/sweep.js'
import { taskRunArgs } from './sweep/task-args.js'
import { userDgpForResume } from './dgp/load-user-dgp.js'
import { APP_VERSION } from './version.js'
import { installNodeFigureRenderer } from './report/node-figures.js'
import { installTtyProgressBar } from './train/tty-progress-bar.js'

// Figures measured and rasterised by resvg in the shipped font; a progress bar on a TTY (the browser lab installs its own).
installNodeFigureRenderer()
installTtyProgressBar()

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
  /** How run files are written (tests inject a failing writer to simulate a full disk). */
  readonly writer?: RunWriter
  /** Runs the Slurm client commands of `sweep --executor slurm`, `sweep status` and `sweep cancel` (tests inject one). */
  readonly slurm?: SlurmRunner
}

function parseIntArg(name: string, min: number, max: number) {
  return (value: string): number => {
    try {
      return parseIntegerArg(name, value, min, max)
    } catch {
      throw new InvalidArgumentError(`expected an integer in [${min}, ${max}]`)
    }
  }
}

/** Ends the CLI with `exitCode`, printing `error`'s message (when there is one) as the last line. */
class CliExit extends Error {
  readonly exitCode: number
  readonly error: unknown
  constructor(exitCode: number, error: unknown) {
    super(error instanceof Error ? error.message : error === undefined ? '' : String(error))
    this.name = 'CliExit'
    this.exitCode = exitCode
    this.error = error
  }
}

/** Run `f`; any error it throws is a usage error (exit 2): nothing has been written yet. */
function refuse<T>(f: () => T): T {
  try {
    return f()
  } catch (error) {
    throw new CliExit(EXIT_CODES.usage, error)
  }
}

function findExperiment(experiments: readonly Experiment<any>[], id: string): Experiment<any> {
  const e = experiments.find((x) => x.id === id)
  if (e !== undefined) return e
  const known = experiments.map((x) => x.id).join(', ') || 'none registered yet'
  throw new CliExit(EXIT_CODES.usage, `unknown experiment '${id}' (available: ${known}, or 'all')`)
}

/** The experiments named on the command line: 'all' alone, or distinct ids in the order given. */
function chooseExperiments(experiments: readonly Experiment<any>[], ids: readonly string[]): Experiment<any>[] {
  if (ids.includes('all')) {
    if (ids.length > 1) throw new CliExit(EXIT_CODES.usage, `'all' runs every experiment: give 'all' alone or experiment ids (got ${ids.join(' ')})`)
    return [...experiments]
  }
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i)
  if (repeated !== undefined) throw new CliExit(EXIT_CODES.usage, `experiment '${repeated}' is named twice`)
  return ids.map((id) => findExperiment(experiments, id))
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
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)

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
        if (r.convTraining !== undefined) io.out(`${''.padEnd(10)} conv-net training: ${formatConvTraining(r.convTraining)}`)
      }
      const auto = rows.find((r) => r.available && r.autoEligible)
      io.out(`auto would choose: ${auto?.backend ?? 'nothing'}`)
    })

  program
    .command('config')
    .description('print the resolved config of an experiment (preset + --set) as JSON; --keys lists every --set key')
    .argument('<experiment>', "experiment id from 'cl-reproduce list'")
    .addOption(new Option('--preset <name>', 'base config').choices(PRESET_NAMES).default('quick'))
    .option('--set <key=value...>', 'override a config value of the preset (validated)', [])
    .option('--keys', 'list every --set key (dotted path) with its type, range and meaning')
    .action((id: string, opts: { preset: PresetName; set: string[]; keys?: boolean }) => {
      const experiment = findExperiment(experiments, id)
      if (opts.keys === true) {
        for (const line of formatConfigKeys(configKeys(experiment))) io.out(line)
        return
      }
      const config = refuse(() => resolveConfig(experiment, opts.preset, parseOverrides(opts.set)))
      io.out(JSON.stringify(config, null, 2))
    })

  program
    .command('run')
    .description("run an experiment (or several, or 'all') and write result.json, report.md and figures into a fresh directory")
    .argument('<experiment...>', "experiment id from 'cl-reproduce list', several ids (run as a group, like 'all'), or 'all'")
    .addOption(new Option('--preset <name>', 'quick: minutes on a laptop CPU; paper: the paper settings (GPU territory)').choices(PRESET_NAMES).default('quick'))
    .option('--seed <n>', `first random seed, in [0, 2^53 − 1]`, parseIntArg('--seed', 0, MAX_SEED), 0)
    .option('--seeds <k>', `number of seeds (seed, seed+1, …), at most ${MAX_SEEDS}`, parseIntArg('--seeds', 1, MAX_SEEDS), 1)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (with --resume, auto means the recorded one)').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .option('--out <dir>', 'run directory (must not exist or be empty); default runs/<experiment>/<timestamp>-<preset>-seed<seed>')
    .option('--set <key=value...>', "override a config value of the preset (validated; keys: 'cl-reproduce config <experiment> --keys')", [])
    .option('--resume <dir>', 'continue an interrupted or failed run in <dir> (its recorded config, preset, seeds and backend are used)')
    .option('--dgp <file>', "an ES module whose default export builds a @cl/dgp Dgp from { space, dims, contentDims, seed }; replaces the paper's DGP (README 'Bring your own DGP')")
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .option('--jobs <n>', 'run all: experiments at once, each in its own process', parseIntArg('--jobs', 1, 64), 1)
    .option('--threads <n>', `CPU threads per process on wasm/cpu (XNNPACK and the fused InfoNCE kernel), 1–${MAX_THREADS}, or auto: the machine's cores / --jobs`, parseThreadsArg, 'auto')
    .action(async (ids: string[], opts: { preset: PresetName; seed: number; seeds: number; backend: RunOptions['backend']; out?: string; set: string[]; resume?: string; jobs: number; dgp?: string; threads: number | 'auto' }) => {
      const chosen = chooseExperiments(experiments, ids)
      // A group of several ids runs like 'all' restricted to them: one root directory, --jobs, --resume of the root.
      const all = ids[0] === 'all' || chosen.length > 1
      const threads = opts.threads === 'auto' ? autoThreads(all ? opts.jobs : 1) : opts.threads
      // Loaded (and checked) once here, before anything is written; `--jobs` children load the same file again.
      const userDgp = opts.dgp === undefined ? undefined : await loadUserDgp(opts.dgp).catch((error: unknown) => {
        throw new CliExit(EXIT_CODES.usage, error)
      })
      const options: RunOptions = {
        preset: opts.preset,
        seed: opts.seed,
        seeds: opts.seeds,
        backend: opts.backend,
        ...(opts.out !== undefined ? { out: opts.out } : {}),
        ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
        overrides: refuse(() => parseOverrides(opts.set)),
        ...(userDgp !== undefined ? { userDgp } : {}),
        log: io.err,
        ...(deps.select !== undefined ? { select: deps.select } : {}),
        ...(deps.writer !== undefined ? { writer: deps.writer } : {}),
        appVersion: APP_VERSION,
        all,
        threads,
      }
      if (opts.jobs > 1 && all && opts.resume !== undefined) {
        throw new CliExit(EXIT_CODES.usage, '--jobs runs fresh experiments; --resume continues them one at a time (drop --jobs)')
      }
      // Everything is checked before anything is written: seeds, configs, preflights, directories.
      const prepared = refuse(() => planRuns(chosen, options))
      const root = prepared.root?.dir
      let indexFailed = false
      const finishIndex = () => {
        if (root === undefined || !existsSync(root)) return
        try {
          writeIndex(root, experimentsOf(prepared.root!.settings.experiments, experiments), deps.writer)
          io.out(`index: ${path.join(root, 'index.md')}`)
        } catch (error) {
          // reported in addition to the run's own error, never instead of it
          indexFailed = true
          io.err(`cl-reproduce: could not write the index of ${root}: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
      if (opts.jobs > 1 && all) {
        refuse(() => makeDirs(root!))
        try {
          writeRootSettings(root!, prepared.root!.settings, deps.writer)
        } catch (error) {
          throw new CliExit(EXIT_CODES.failed, error)
        }
        const common = ['--preset', opts.preset, '--seed', String(opts.seed), '--seeds', String(opts.seeds), '--backend', opts.backend, '--threads', String(threads), ...opts.set.flatMap((s) => ['--set', s])]
        // --dgp goes to every child whose experiment takes one; a paper-DGP-only experiment runs on the paper's DGP
        const dgpArgs = (e: (typeof prepared.plans)[number]['experiment']) => {
          if (userDgp === undefined) return []
          if (e.paperDgpOnly === undefined) return ['--dgp', userDgp.module]
          io.err(paperDgpOnlyNote(e))
          return []
        }
        const jobs = prepared.plans.map((p) => ({ id: p.experiment.id, args: ['run', p.experiment.id, ...common, ...dgpArgs(p.experiment), '--out', p.out!] }))
        const code = await runInParallel(jobs, { jobs: opts.jobs, spawn: deps.spawn ?? nodeSpawner(fileURLToPath(import.meta.url)), out: io.out, err: io.err })
        finishIndex()
        if (code === EXIT_CODES.sigint || code === EXIT_CODES.sigterm) throw new CliExit(code, `interrupted; continue with cl-reproduce run all --resume ${root}`)
        if (code !== 0) throw new CliExit(code, 'an experiment failed (its [id] lines above say why)')
        if (indexFailed) throw new CliExit(EXIT_CODES.failed, undefined)
        return
      }
      const selection = await selectRunBackend(prepared, options).catch((error: unknown) => {
        throw new CliExit(EXIT_CODES.usage, error)
      })
      let started = false
      let runError: unknown
      let failed = false
      try {
        await executeRuns(prepared, selection, {
          ...options,
          onStarted: () => {
            started = true
          },
          onFinished: (experiment, { dir, result }) => {
            const held = result.claims.filter((c) => c.holds).length
            io.out(`${experiment.id}: ${held}/${result.claims.length} claims hold -> ${dir}`)
          },
        })
      } catch (error) {
        failed = true
        runError = error
      }
      finishIndex()
      if (failed) {
        const interrupted = isClError(runError, 'CL_INTERRUPTED')
        throw new CliExit(started || interrupted ? runExitCode(runError) : EXIT_CODES.usage, runError)
      }
      if (indexFailed) throw new CliExit(EXIT_CODES.failed, undefined)
      if (chosen.length === 0) io.out('no experiments registered yet: nothing to run')
    })

  addSweepCommands(program, { ...deps, experiments, io })

  program
    .command('collect')
    .description("merge a sweep's task results into one report (<dir>/collected): mean ± std over seeds per grid point, the experiment's own tables and figures, missing or failed tasks with their logs")
    .argument('<dir>', "a sweep directory (made by 'cl-reproduce sweep')")
    .action(async (dir: string) => {
      const outcome = await collectSweep(path.resolve(dir), { experiments, log: io.err, ...(deps.writer !== undefined ? { writer: deps.writer } : {}) })
      io.out(`report: ${outcome.reportFile}`)
      if (outcome.complete < outcome.total) throw new CliExit(EXIT_CODES.failed, `${outcome.total - outcome.complete} of ${outcome.total} tasks are missing or failed (listed in the report)`)
    })
  return program
}

/** A --threads value: an integer in [1, MAX_THREADS] or 'auto'. */
type Threads = number | 'auto'

/** `cl-reproduce sweep …`: start or continue a sweep, its status, cancel, and the one-task entry the executors run. */
function addSweepCommands(program: Command, deps: CliDeps & { experiments: readonly Experiment<any>[]; io: CliIo }): void {
  const { experiments, io } = deps
  const slurm = deps.slurm ?? systemSlurm
  const sweep = program
    .command('sweep')
    .description("run an experiment over a grid of settings × seeds, on this machine or a Slurm cluster, collected into one report ('cl-reproduce sweep <experiment> --help')")
  sweep
    .command('start', { isDefault: true })
    .description("(the default: 'cl-reproduce sweep <experiment> …') expand grid × seeds into tasks (each a normal run in <out>/tasks/<i>), write the manifest, run them; rerunning skips complete tasks and resumes the others")
    .argument('<experiment>', "experiment id from 'cl-reproduce list'")
    .option('--grid <key=v1,v2...>', "a config key and its values (repeat for more keys: the grid is their product); values are JSON where they parse, e.g. --grid tau=0.5,1 --grid 'encoder.hiddenWidths=[16],[32]'", [])
    .option('--seed <n>', 'first random seed', parseIntArg('--seed', 0, MAX_SEED), 0)
    .option('--seeds <k>', `seeds per grid point (seed, seed+1, …), at most ${MAX_SEEDS}`, parseIntArg('--seeds', 1, MAX_SEEDS), 1)
    .addOption(new Option('--preset <name>', 'base config of every task').choices(PRESET_NAMES).default('quick'))
    .option('--set <key=value...>', 'override a config value of every task (validated; not a grid key)', [])
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend of every task').choices(['auto', ...BACKEND_NAMES]).default('auto'))
    .requiredOption('--out <dir>', 'the sweep directory: new (or empty), or an existing sweep with the same settings to continue')
    .addOption(new Option('--executor <name>', 'local: a process pool here; slurm: one sbatch --array job plus a collect job').choices(['local', 'slurm']).default('local'))
    .option('--jobs <n>', 'local: tasks at once (default 1); slurm: at most this many array tasks at once (%N)', parseIntArg('--jobs', 1, 10_000))
    .option('--threads <n>', `CPU threads per task on wasm/cpu, 1–${MAX_THREADS}, or auto (local: the cores / --jobs; slurm: --cpus-per-task, else 1)`, parseThreadsArg, 'auto')
    .option('--dgp <file>', 'a user DGP module for every task (as for run --dgp); its sha256 is recorded and checked on every task')
    .option('--partition <name>', 'slurm: #SBATCH --partition')
    .option('--time <limit>', 'slurm: #SBATCH --time, per task (e.g. 2:00:00)')
    .option('--mem <size>', 'slurm: #SBATCH --mem, per task (e.g. 4G)')
    .option('--gres <spec>', 'slurm: #SBATCH --gres, per task (e.g. gpu:1)')
    .option('--cpus-per-task <n>', 'slurm: #SBATCH --cpus-per-task; also the threads of each task', parseIntArg('--cpus-per-task', 1, MAX_THREADS))
    .option('--sbatch <option...>', "slurm: more #SBATCH lines, e.g. --sbatch --account=lab --sbatch --qos=long", [])
    .option('--wait', 'slurm: wait until the jobs have left the queue, then print where the tasks stand (exit 1 if any is missing)')
    .addHelpText('after', `\nExamples:\n  cl-reproduce sweep table1 --seeds 3 --out sweeps/table1 --jobs 2\n  cl-reproduce sweep fig1-r2-box --grid contentDims=1,2,4 --seeds 3 --out sweeps/dc --executor slurm --partition gpu --time 4:00:00 --gres gpu:1\n  cl-reproduce sweep status sweeps/dc\n\n${EXIT_CODES_HELP}`)
    .action(async (id: string, opts: { grid: string[]; seed: number; seeds: number; preset: PresetName; set: string[]; backend: string; out: string; executor: SweepExecutor; jobs?: number; threads: Threads; dgp?: string; partition?: string; time?: string; mem?: string; gres?: string; cpusPerTask?: number; sbatch: string[]; wait?: boolean }) => {
      const experiment = findExperiment(experiments, id)
      const userDgp = opts.dgp === undefined ? undefined : await loadUserDgp(opts.dgp).catch((error: unknown) => {
        throw new CliExit(EXIT_CODES.usage, error)
      })
      const threads = opts.threads !== 'auto' ? opts.threads : opts.executor === 'local' ? autoThreads(opts.jobs ?? 1) : (opts.cpusPerTask ?? 1)
      const request = {
        experiment,
        preset: opts.preset,
        grid: refuse(() => parseGrid(opts.grid)),
        seed: opts.seed,
        seeds: opts.seeds,
        overrides: refuse(() => parseOverrides(opts.set)),
        backend: opts.backend,
        threads,
        appVersion: APP_VERSION,
        ...(userDgp !== undefined ? { userDgp } : {}),
      }
      const cli = fileURLToPath(import.meta.url)
      const code = await runSweep({
        request,
        dir: opts.out,
        executor: opts.executor,
        ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
        slurm: {
          ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
          ...(opts.time !== undefined ? { time: opts.time } : {}),
          ...(opts.mem !== undefined ? { mem: opts.mem } : {}),
          ...(opts.gres !== undefined ? { gres: opts.gres } : {}),
          ...(opts.cpusPerTask !== undefined ? { cpusPerTask: opts.cpusPerTask } : {}),
          extra: opts.sbatch,
        },
        wait: opts.wait === true,
        spawn: deps.spawn ?? nodeSpawner(cli),
        slurmRunner: slurm,
        launcher: { node: process.execPath, cli, appVersion: APP_VERSION },
        collect: (dir) => collectSweep(dir, { experiments, log: io.err, ...(deps.writer !== undefined ? { writer: deps.writer } : {}) }),
        err: io.err,
        out: io.out,
      }).catch((error: unknown) => {
        // refused before anything ran (settings, grid, directory, a queued sweep): usage; anything later: failed
        const code = (error as { code?: unknown } | null)?.code
        throw new CliExit(code === 'CL_INVALID_CONFIG' || code === 'CL_RUN_LOCKED' ? EXIT_CODES.usage : runExitCode(error), error)
      })
      if (code !== EXIT_CODES.ok) throw new CliExit(code, undefined)
    })
  sweep
    .command('status')
    .description("where a sweep's tasks stand (from their files) and its Slurm jobs (from squeue)")
    .argument('<dir>', 'the sweep directory')
    .action((dir: string) => {
      for (const line of formatSweepStatus(refuse(() => sweepStatus(dir, slurm)))) io.out(line)
    })
  sweep
    .command('cancel')
    .description("stop a sweep: scancel its queued and running Slurm jobs, SIGTERM a local sweep on this host (tasks checkpoint; rerunning the sweep resumes them)")
    .argument('<dir>', 'the sweep directory')
    .action((dir: string) => {
      const done = refuse(() => cancelSweep(dir, slurm))
      io.out(done.length === 0 ? 'nothing to cancel: no job of this sweep is queued or running' : done.join('\n'))
    })
  sweep
    .command('task')
    .description('(run by the executors) run one task of a sweep: fresh, resumed from its files, or nothing when complete')
    .argument('<dir>', 'the sweep directory')
    .argument('<index>', 'the task index (Slurm: $SLURM_ARRAY_TASK_ID)')
    .option('--threads <n>', `CPU threads on wasm/cpu, 1–${MAX_THREADS}, or auto ($SLURM_CPUS_PER_TASK, else the sweep's)`, parseThreadsArg, 'auto')
    .action(async (dir: string, index: string, opts: { threads: Threads }) => {
      const abs = path.resolve(dir)
      const manifest = refuse(() => readManifest(abs))
      const task = /^\d+$/.test(index) ? manifest.tasks[Number(index)] : undefined
      if (task === undefined) throw new CliExit(EXIT_CODES.usage, `task index ${index}: expected an integer in [0, ${manifest.tasks.length - 1}]`)
      if (taskStatus(abs, task).state === 'complete') {
        io.err(`task ${task.index}: already complete`)
        return
      }
      // the module every task runs must be the one the sweep recorded (hash-checked), also for fresh tasks
      if (manifest.dgp !== undefined) {
        await userDgpForResume(manifest.dgp, undefined).catch((error: unknown) => {
          throw new CliExit(EXIT_CODES.usage, error)
        })
      }
      const fromSlurm = Number(process.env.SLURM_CPUS_PER_TASK)
      const threads = opts.threads !== 'auto' ? opts.threads : Number.isInteger(fromSlurm) && fromSlurm >= 1 ? Math.min(fromSlurm, MAX_THREADS) : manifest.threads
      const args = taskRunArgs(abs, manifest, task, threads)
      io.err(`task ${task.index} of ${abs}: cl-reproduce ${args.join(' ')}`)
      await createProgram(deps).parseAsync(args, { from: 'user' })
    })
}

function experimentsOf(ids: readonly string[], pool: readonly Experiment<any>[]): Experiment<any>[] {
  return ids.map((id) => pool.find((e) => e.id === id)).filter((e): e is Experiment<any> => e !== undefined)
}

/** Run the CLI; returns the process exit code (see {@link EXIT_CODES}). Errors become one line on stderr. */
export async function main(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? { out: (l: string) => process.stdout.write(`${l}\n`), err: (l: string) => process.stderr.write(`${l}\n`) }
  tf.env().set('PROD', true)
  try {
    // `npm run x -- args` style wrappers may forward a leading `--`; commander would read everything after it as operands.
    const args = argv[0] === '--' ? argv.slice(1) : argv
    await createProgram({ ...deps, io }).parseAsync(args as string[], { from: 'user' })
    return EXIT_CODES.ok
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.message !== '') io.err(`cl-reproduce: ${error.message}`)
      return error.exitCode
    }
    if (error instanceof CommanderError) {
      // --help / --version exit 0; every parse error (unknown option, bad value, missing argument) is a usage error
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage
    }
    io.err(`cl-reproduce: ${error instanceof Error ? error.message : String(error)}`)
    return runExitCode(error)
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
