import path from 'node:path'
import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import * as tf from '@tensorflow/tfjs'
import { z } from 'zod'
import { InterruptedError, InvalidConfigError, isClError, parseConfig } from '@cl/core'
import type { BackendName } from '../backend/candidates.js'
import { guardsOf } from '../backend/guards.js'
import { selectBackend, type BackendSelection } from '../backend/select.js'
import { userDgpForResume, type RecordedDgp } from '../dgp/load-user-dgp.js'
import { DgpRequirementError } from '../experiments/dgp-requirement-error.js'
import { PRESET_NAMES, type Experiment, type PresetName, type UserDgp } from '../experiments/experiment.js'
import { resolveConfig } from './resolve-config.js'
import { assembleResult } from './assemble-result.js'
import { renderReport } from './render-report.js'
import type { RunResult } from './result-schema.js'
import { ROOT_FILE, readRootSettings, writeRootSettings, type RootSettings } from './run-all-root.js'
import {
  RESULT_FILE,
  RunDirectoryError,
  RunFileError,
  assertCreatable,
  assertFreshRunDir,
  createRunDir,
  defaultRunDir,
  isRunComplete,
  makeDirs,
  nodeWriter,
  readRunJson,
  writeFileAtomic,
  writeStatus,
  type RunWriter,
} from './run-dir.js'
import { acquireRunLock } from './run-lock.js'
import { assertSeedRange } from './seed-range.js'
import { CheckpointStore } from '../train/checkpoint-store.js'

export { resolveConfig } from './resolve-config.js'

export interface RunOptions {
  readonly preset: PresetName
  readonly seed: number
  readonly seeds: number
  /** Requested backend. On `--resume`, `auto` means "the backend the run recorded". */
  readonly backend: BackendName | 'auto'
  readonly out?: string
  readonly overrides: Record<string, unknown>
  readonly log: (line: string) => void
  /** Injected selection (tests); defaults to {@link selectBackend}. */
  readonly select?: typeof selectBackend
  readonly appVersion: string
  /** Continue the unfinished run(s) in this directory (config, preset and seeds come from its run.json / run-all.json). */
  readonly resume?: string
  /** Lay the runs out as a `run all` root (`<root>/<id>`, `<root>/run-all.json`). Default: more than one experiment. */
  readonly all?: boolean
  /** A user DGP (`--dgp FILE` or the API) handed to every experiment; recorded in run.json, result.json and report.md. */
  readonly userDgp?: UserDgp
  /** Stops the runs like SIGINT does (the programmatic API); SIGINT / SIGTERM always stop. */
  readonly signal?: AbortSignal
  /** How files are written (tests inject a failing writer); defaults to the file system. */
  readonly writer?: RunWriter
  /** CPU threads of this process on wasm/cpu (XNNPACK and the fused InfoNCE kernel); default 1. Not part of a result. */
  readonly threads?: number
}

/** What a run directory records about its invocation (`run.json`), so `--resume` continues the same run. */
const runSpecSchema = z.object({
  experiment: z.string().min(1),
  preset: z.enum(PRESET_NAMES),
  seed: z.number().int().nonnegative(),
  seeds: z.number().int().positive(),
  backend: z.string().min(1).optional(),
  config: z.unknown(),
  /** The user DGP module and its sha256, when the run used one (`--resume` reloads it and refuses a changed file). */
  dgp: z.object({ module: z.string().min(1), sha256: z.string().nullable() }).optional(),
})
type RunSpec = z.infer<typeof runSpecSchema>
const SPEC_FILE = 'run.json'

/** One experiment to run: its resolved config, and the existing directory when resuming. */
export interface RunPlan {
  readonly experiment: Experiment<any>
  readonly config: unknown
  readonly preset: PresetName
  readonly seed: number
  readonly seeds: number
  readonly out?: string
  readonly resumeDir?: string
  /** The DGP a resumed run (or a `run all` root) recorded; reloaded and hash-checked before anything runs. */
  readonly recordedDgp?: RecordedDgp
}

/** Everything checked and decided before anything is written: the plans, the `run all` root, the backend to ask for. */
export interface PreparedRuns {
  readonly plans: readonly RunPlan[]
  /** A `run all` root: its directory, settings, and whether it is created by this invocation. */
  readonly root?: { readonly dir: string; readonly settings: RootSettings; readonly fresh: boolean }
  readonly backend: BackendName | 'auto'
}

/** One finished run: where it was written and what it measured. */
export interface FinishedRun {
  readonly dir: string
  readonly result: RunResult
}

/**
 * Decide what to run without writing anything: seed range, every config (preset + `--set`), each experiment's
 * preflight (memory, float32 temperatures, user DGP), fresh or resumable directories, and a `run all` root's settings.
 * Every error here is a usage or config error: nothing exists yet.
 */
export function planRuns(experiments: readonly Experiment<any>[], options: RunOptions): PreparedRuns {
  assertSeedRange(options.seed, options.seeds)
  const all = options.all ?? experiments.length > 1
  let prepared: PreparedRuns
  if (options.resume !== undefined) {
    if (Object.keys(options.overrides).length > 0) throw new InvalidConfigError('--set', 'no overrides with --resume (the run keeps its recorded config)', options.overrides)
    prepared = all ? planResumeAll(experiments, options) : planResumeOne(experiments, options)
  } else if (all) {
    const dir = path.resolve(options.out ?? defaultRunDir({ experiment: 'all', preset: options.preset, seed: options.seed }))
    assertFreshRunDir(dir)
    const settings: RootSettings = { preset: options.preset, seed: options.seed, seeds: options.seeds, backend: options.backend, overrides: options.overrides, experiments: experiments.map((e) => e.id), ...recordDgp(options.userDgp) }
    prepared = { plans: experiments.map((e) => freshPlan(e, settings, path.join(dir, e.id))), root: { dir, settings, fresh: true }, backend: options.backend }
  } else {
    if (experiments.length !== 1) throw new InvalidConfigError('experiment', 'exactly one experiment (or all)', experiments.map((e) => e.id))
    if (options.out !== undefined) assertFreshRunDir(path.resolve(options.out))
    else assertCreatable(path.resolve('runs'))
    prepared = { plans: [freshPlan(experiments[0]!, options, options.out)], backend: options.backend }
  }
  for (const plan of prepared.plans) {
    const only = plan.experiment.paperDgpOnly
    if (only !== undefined && options.userDgp !== undefined && !all) {
      throw new DgpRequirementError(options.userDgp.module, `${plan.experiment.id} takes no --dgp: ${only}`, options.userDgp.module)
    }
    plan.experiment.preflight?.(plan.config, options.userDgp !== undefined && only === undefined ? { userDgp: options.userDgp } : {})
  }
  return prepared
}

/** The log line of a paper-DGP-only experiment inside `run all --dgp` (in-process and `--jobs` children alike). */
export function paperDgpOnlyNote(experiment: Experiment<any>): string {
  const what = experiment.usesNoDgp === true ? 'uses no DGP' : "runs on the paper's DGP"
  return `${experiment.id}: ${what}, --dgp applies to the other experiments (${experiment.paperDgpOnly})`
}

/** The `dgp` entry of run.json / run-all.json / result.json for a user DGP (nothing for the paper's). */
function recordDgp(userDgp: UserDgp | undefined): { dgp?: RecordedDgp } {
  return userDgp === undefined ? {} : { dgp: { module: userDgp.module, sha256: userDgp.sha256 } }
}

function freshPlan(experiment: Experiment<any>, s: Pick<RunOptions, 'preset' | 'seed' | 'seeds' | 'overrides'>, out: string | undefined): RunPlan {
  assertSeedRange(s.seed, s.seeds)
  const config = resolveConfig(experiment, s.preset, s.overrides)
  return { experiment, config, preset: s.preset, seed: s.seed, seeds: s.seeds, ...(out !== undefined ? { out } : {}) }
}

function planResumeOne(experiments: readonly Experiment<any>[], options: RunOptions): PreparedRuns {
  if (experiments.length !== 1) throw new InvalidConfigError('experiment', 'exactly one experiment (or all)', experiments.map((e) => e.id))
  const dir = path.resolve(options.resume!)
  const experiment = experiments[0]!
  if (!existsSync(dir)) throw new RunDirectoryError(dir, 'does not exist: nothing to resume', '--resume')
  const how = `it cannot be resumed; start ${experiment.id} fresh: move ${dir} away (or delete it) and run 'cl-reproduce run ${experiment.id}' again`
  const resumed = resumePlan(experiment, dir, how, options)
  return { plans: resumed.plan === undefined ? [] : [resumed.plan], backend: resolveBackend(options.backend, resumed.spec.backend) }
}

/** `run all --resume ROOT`: only a `run all` root, with the experiments and settings it recorded. */
function planResumeAll(pool: readonly Experiment<any>[], options: RunOptions): PreparedRuns {
  const dir = path.resolve(options.resume!)
  const settings = readRootSettings(dir)
  const plans: RunPlan[] = []
  for (const id of settings.experiments) {
    const experiment = pool.find((e) => e.id === id)
    if (experiment === undefined) throw new RunDirectoryError(dir, `records experiment '${id}', which this cl-reproduce does not have (available: ${pool.map((e) => e.id).join(', ')})`, '--resume')
    const sub = path.join(dir, id)
    if (!existsSync(path.join(sub, SPEC_FILE))) {
      // `run all` stopped before reaching this experiment: start it fresh there, with the root's settings.
      assertFreshRunDir(sub)
      plans.push({ ...freshPlan(experiment, settings, sub), ...(settings.dgp !== undefined ? { recordedDgp: settings.dgp } : {}) })
      continue
    }
    const how = `it cannot be resumed; delete ${sub} and resume the root again: ${id} then starts fresh with the root's settings`
    const { plan } = resumePlan(experiment, sub, how, options)
    if (plan !== undefined) plans.push(plan)
  }
  return { plans, root: { dir, settings, fresh: false }, backend: resolveBackend(options.backend, settings.backend) }
}

function resumePlan(experiment: Experiment<any>, dir: string, howToContinue: string, options: RunOptions): { plan?: RunPlan; spec: RunSpec } {
  const specFile = path.join(dir, SPEC_FILE)
  if (!existsSync(specFile)) {
    const hint = existsSync(path.join(dir, ROOT_FILE)) ? `; it is a 'run all' directory: resume it with 'cl-reproduce run all --resume ${dir}'` : ''
    throw new RunDirectoryError(dir, `holds no ${SPEC_FILE}: not a run directory of cl-reproduce${hint}`, '--resume')
  }
  const parsed = runSpecSchema.safeParse(readRunJson(specFile, howToContinue))
  if (!parsed.success) throw new RunFileError(specFile, `${specFile} is not a run record (${parsed.error.issues[0]?.message ?? 'invalid'}); ${howToContinue}`)
  const spec = parsed.data
  if (spec.experiment !== experiment.id) throw new RunDirectoryError(dir, `holds a run of '${spec.experiment}', not '${experiment.id}'`, '--resume')
  if (isRunComplete(dir)) {
    options.log(`${experiment.id}: already complete in ${dir}`)
    return { spec }
  }
  assertSeedRange(spec.seed, spec.seeds)
  const config = parseConfig(experiment.configSchema, spec.config, 'config')
  const recordedDgp = spec.dgp !== undefined ? { recordedDgp: spec.dgp } : {}
  return { plan: { experiment, config, preset: spec.preset, seed: spec.seed, seeds: spec.seeds, resumeDir: dir, ...recordedDgp }, spec }
}

function resolveBackend(requested: BackendName | 'auto', recorded: string | undefined): BackendName | 'auto' {
  return requested !== 'auto' || recorded === undefined ? requested : (recorded as BackendName | 'auto')
}

/** Choose the backend once for all plans, skipping backends that lack a kernel any of them needs. */
export async function selectRunBackend(prepared: PreparedRuns, options: Pick<RunOptions, 'select' | 'log' | 'threads'>): Promise<BackendSelection> {
  const requiredKernels = [...new Set(prepared.plans.flatMap((p) => p.experiment.requiredKernels))]
  const selection = await (options.select ?? selectBackend)({ requested: prepared.backend, requiredKernels, ...(options.threads !== undefined ? { threads: options.threads } : {}) })
  for (const a of selection.attempts) {
    options.log(a.outcome === 'selected' ? `backend: ${a.backend} (${a.reason})` : `backend ${a.backend} skipped: ${a.reason}`)
  }
  return selection
}

export interface ExecuteOptions extends RunOptions {
  readonly onFinished?: (experiment: Experiment<any>, run: FinishedRun) => void
  /** Called once, when this invocation first writes anything (a run directory or a `run all` root). */
  readonly onStarted?: (dir: string) => void
}

/**
 * Run the prepared plans in order. One stop signal for the whole invocation: SIGINT / SIGTERM (or `options.signal`)
 * stops the current run at its next training step, marks it interrupted, and no later experiment starts. A failed
 * run is marked failed, never complete, and stops the sequence.
 */
export async function executeRuns(prepared: PreparedRuns, selection: BackendSelection, options: ExecuteOptions): Promise<FinishedRun[]> {
  const controller = new AbortController()
  const stop = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(reason)
  }
  const onSigint = () => stop('SIGINT')
  const onSigterm = () => stop('SIGTERM')
  const onAbort = () => stop(typeof options.signal?.reason === 'string' ? options.signal.reason : 'abort')
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigterm)
  if (options.signal?.aborted) onAbort()
  options.signal?.addEventListener('abort', onAbort)
  let started = false
  const markStarted = (dir: string) => {
    if (!started) options.onStarted?.(dir)
    started = true
  }
  try {
    // Each plan's DGP, before anything is written: a resumed run (or an experiment a resumed root starts) reloads the
    // module it recorded and refuses a changed file; a fresh run takes the one given.
    const userDgps: (UserDgp | undefined)[] = []
    for (const plan of prepared.plans) {
      if (plan.experiment.paperDgpOnly !== undefined) {
        // A run all --dgp: this experiment runs on the paper's DGP (its own run.json records none).
        if (options.userDgp !== undefined || plan.recordedDgp !== undefined) options.log(paperDgpOnlyNote(plan.experiment))
        userDgps.push(undefined)
        continue
      }
      userDgps.push(plan.resumeDir !== undefined || prepared.root?.fresh === false ? await userDgpForResume(plan.recordedDgp, options.userDgp) : options.userDgp)
    }
    const writer = options.writer ?? nodeWriter
    if (prepared.root?.fresh === true) {
      makeDirs(prepared.root.dir)
      markStarted(prepared.root.dir)
      writeRootSettings(prepared.root.dir, prepared.root.settings, writer)
    }
    const runs: FinishedRun[] = []
    for (const [i, plan] of prepared.plans.entries()) {
      throwIfStopped(controller.signal)
      options.log(`== ${plan.experiment.id}: ${plan.experiment.title} (preset ${plan.preset})`)
      const run = await runOne(plan, userDgps[i], selection, options, controller.signal, prepared.backend, writer, markStarted)
      options.onFinished?.(plan.experiment, run)
      runs.push(run)
    }
    return runs
  } finally {
    process.removeListener('SIGINT', onSigint)
    process.removeListener('SIGTERM', onSigterm)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

/** Plan, choose the backend and run: the whole `cl-reproduce run` for callers that need no phase split. */
export async function runExperiments(experiments: readonly Experiment<any>[], options: ExecuteOptions): Promise<FinishedRun[]> {
  const prepared = planRuns(experiments, options)
  const selection = await selectRunBackend(prepared, options)
  return executeRuns(prepared, selection, options)
}

function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError(String(signal.reason))
}

async function runOne(
  plan: RunPlan,
  userDgp: UserDgp | undefined,
  selection: BackendSelection,
  options: RunOptions,
  signal: AbortSignal,
  backend: BackendName | 'auto',
  writer: RunWriter,
  markStarted: (dir: string) => void,
): Promise<FinishedRun> {
  const { experiment, config, preset } = plan
  const dgp = recordDgp(userDgp)
  const seeds = Array.from({ length: plan.seeds }, (_, i) => plan.seed + i)
  let dir: string
  let release: () => void
  if (plan.resumeDir !== undefined) {
    dir = plan.resumeDir
    release = acquireRunLock(dir)
    if (isRunComplete(dir)) {
      release()
      throw new RunDirectoryError(dir, 'was completed by another run meanwhile; nothing to resume', '--resume')
    }
    markStarted(dir)
    options.log(`resuming in ${dir}`)
  } else {
    dir = createRunDir({ ...(plan.out !== undefined ? { out: plan.out } : {}), experiment: experiment.id, preset, seed: plan.seed })
    markStarted(dir)
    const spec: RunSpec = { experiment: experiment.id, preset, seed: plan.seed, seeds: plan.seeds, backend, config, ...dgp }
    writeFileAtomic(path.join(dir, SPEC_FILE), `${JSON.stringify(spec, null, 2)}\n`, writer)
    release = acquireRunLock(dir)
    options.log(`run directory: ${dir}`)
  }
  const started = new Date()
  const resumeHint = `cl-reproduce run ${experiment.id} --resume ${dir}`
  let complete = false
  try {
    writeStatus(dir, { state: 'running', startedAt: started.toISOString(), pid: process.pid, hostname: hostname() }, writer)
    // The backend's guards (WebGPU: buffer limits, GPU error scopes) turn silent device failures into a failed run.
    const output = await guardsOf(selection).runGuarded(() => experiment.run({ config, preset, seeds, backend: selection, runDir: dir, store: new CheckpointStore(dir), log: options.log, signal, ...(userDgp !== undefined ? { userDgp } : {}) }))
    // A stop during the last step, or after it, still means stop: the run is interrupted, not complete.
    throwIfStopped(signal)
    const figures = output.figures.map((f) => {
      const file = `${f.name}.svg`
      writeFileAtomic(path.join(dir, file), f.svg, writer)
      if (f.png === undefined) return { name: f.name, caption: f.caption, file }
      const png = `${f.name}.png`
      writeFileAtomic(path.join(dir, png), f.png, writer)
      return { name: f.name, caption: f.caption, file, png }
    })
    const finished = new Date()
    const result = assembleResult({
      experiment,
      preset,
      seeds,
      backend: { name: selection.backend, detail: selection.detail, forced: selection.forced, attempts: selection.attempts },
      config,
      versions: { node: process.version, tfjs: tf.version.tfjs, app: options.appVersion },
      timings: { startedAt: started, finishedAt: finished },
      output,
      figures,
      ...dgp,
    })
    writeFileAtomic(path.join(dir, 'report.md'), renderReport(result, output.reportMarkdown), writer)
    throwIfStopped(signal)
    writeFileAtomic(path.join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`, writer)
    complete = true
    try {
      writeStatus(dir, { state: 'complete', startedAt: started.toISOString(), finishedAt: finished.toISOString() }, writer)
    } catch (error) {
      // result.json is what marks a run complete; a stale status.json does not undo that
      options.log(`warning: ${(error as Error).message} (the run is complete: ${RESULT_FILE} is written)`)
    }
    return { dir, result }
  } catch (error) {
    if (!complete) recordEnd(dir, error, started, resumeHint, writer, options.log)
    throw error
  } finally {
    release()
  }
}

/** Mark an unfinished run interrupted or failed; if even that cannot be written, say so without hiding `error`. */
function recordEnd(dir: string, error: unknown, started: Date, resume: string, writer: RunWriter, log: (line: string) => void): void {
  const at = new Date().toISOString()
  const status = isClError(error, 'CL_INTERRUPTED')
    ? { state: 'interrupted', startedAt: started.toISOString(), interruptedAt: at, resume }
    : {
        state: 'failed',
        startedAt: started.toISOString(),
        failedAt: at,
        error: error instanceof Error ? error.message : String(error),
        ...(isClError(error) ? { code: error.code } : {}),
        resume,
      }
  try {
    writeStatus(dir, status, writer)
  } catch (statusError) {
    log(`could not mark the run ${status.state}: ${(statusError as Error).message}`)
  }
}
