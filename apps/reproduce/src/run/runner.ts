import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, isClError, parseConfig } from '@cl/core'
import type { BackendName } from '../backend/candidates.js'
import { selectBackend, type BackendSelection } from '../backend/select.js'
import { userDgpForResume, type RecordedDgp } from '../dgp/load-user-dgp.js'
import type { Experiment, PresetName, UserDgp } from '../experiments/experiment.js'
import { clearStop, requestStop } from '../train/interrupt.js'
import { mergeConfig } from './overrides.js'
import { resultSchema, type RunResult } from './result-schema.js'
import { RESULT_FILE, RunDirectoryError, createRunDir, isRunComplete, writeFileAtomic, writeStatus } from './run-dir.js'

export interface RunOptions {
  readonly preset: PresetName
  readonly seed: number
  readonly seeds: number
  readonly backend: BackendName | 'auto'
  readonly out?: string
  readonly overrides: Record<string, unknown>
  readonly log: (line: string) => void
  /** Injected selection (tests); defaults to {@link selectBackend}. */
  readonly select?: typeof selectBackend
  readonly appVersion: string
  /** Continue the unfinished run(s) in this directory (config, preset and seeds come from its run.json). */
  readonly resume?: string
  /** A user DGP (`--dgp FILE` or the API) handed to every experiment; recorded in run.json, result.json and report.md. */
  readonly userDgp?: UserDgp
}

/** What a run directory records about its invocation (`run.json`), so `--resume` continues the same run. */
interface RunSpec {
  experiment: string
  preset: PresetName
  seed: number
  seeds: number
  config: unknown
  /** The user DGP module and its sha256, when the run used one (`--resume` reloads it and refuses a changed file). */
  dgp?: RecordedDgp
}
const SPEC_FILE = 'run.json'

/** One experiment to run: its resolved config, and the existing directory when resuming. */
interface RunPlan {
  readonly experiment: Experiment<any>
  readonly config: unknown
  readonly preset: PresetName
  readonly seed: number
  readonly seeds: number
  readonly out?: string
  readonly resumeDir?: string
  readonly userDgp?: UserDgp
  readonly recordedDgp?: RecordedDgp
}

/** Resolve an experiment's config: its preset merged with `--set` overrides, validated by its schema. */
export function resolveConfig<C>(experiment: Experiment<C>, preset: PresetName, overrides: Record<string, unknown>): C {
  const base = experiment.presets[preset]
  return parseConfig(experiment.configSchema, mergeConfig(base, overrides), 'config') as C
}

/** One finished run: where it was written and what it measured. */
export interface FinishedRun {
  readonly dir: string
  readonly result: RunResult
}

/**
 * Run experiments end to end: validate every config first, choose the backend once (skipping backends that lack a
 * kernel any of them needs), then for each create a fresh run directory, run, and write figures, report.md and finally
 * result.json (validated). A failed run is marked failed, never complete, and stops the sequence.
 */
export async function runExperiments(
  experiments: readonly Experiment<any>[],
  options: RunOptions & { readonly onFinished?: (experiment: Experiment<any>, run: FinishedRun) => void },
): Promise<FinishedRun[]> {
  if (!Number.isInteger(options.seeds) || options.seeds < 1) throw new InvalidConfigError('--seeds', 'an integer >= 1', options.seeds)
  const plans = options.resume !== undefined ? planResume(experiments, options) : planFresh(experiments, options)
  // A resumed run continues with the DGP it recorded (reloaded and hash-checked) before anything runs.
  for (const [i, plan] of plans.entries()) {
    if (plan.resumeDir === undefined) continue
    const userDgp = await userDgpForResume(plan.recordedDgp, options.userDgp)
    plans[i] = { ...plan, ...(userDgp !== undefined ? { userDgp } : {}) }
  }
  const requiredKernels = [...new Set(plans.flatMap((p) => p.experiment.requiredKernels))]
  const selection = await (options.select ?? selectBackend)({ requested: options.backend, requiredKernels })
  for (const a of selection.attempts) {
    options.log(a.outcome === 'selected' ? `backend: ${a.backend} (${a.reason})` : `backend ${a.backend} skipped: ${a.reason}`)
  }
  const runs: FinishedRun[] = []
  for (const plan of plans) {
    options.log(`== ${plan.experiment.id}: ${plan.experiment.title} (preset ${plan.preset})`)
    const run = await runOne(plan, selection, options)
    options.onFinished?.(plan.experiment, run)
    runs.push(run)
  }
  return runs
}

function planFresh(experiments: readonly Experiment<any>[], options: RunOptions): RunPlan[] {
  return experiments.map((experiment) => {
    const out = options.out === undefined ? undefined : experiments.length > 1 ? path.join(options.out, experiment.id) : options.out
    const config = resolveConfig(experiment, options.preset, options.overrides)
    return { experiment, config, preset: options.preset, seed: options.seed, seeds: options.seeds, ...(out !== undefined ? { out } : {}), ...(options.userDgp !== undefined ? { userDgp: options.userDgp } : {}) }
  })
}

/** Plans for `--resume DIR`: finished experiments are skipped, unfinished ones continue with their recorded config. */
function planResume(experiments: readonly Experiment<any>[], options: RunOptions): RunPlan[] {
  const root = path.resolve(options.resume!)
  if (Object.keys(options.overrides).length > 0) throw new InvalidConfigError('--set', 'no overrides with --resume (the run keeps its recorded config)', options.overrides)
  if (!existsSync(root)) throw new RunDirectoryError(root, 'does not exist: nothing to resume')
  const plans: RunPlan[] = []
  for (const experiment of experiments) {
    const dir = experiments.length > 1 ? path.join(root, experiment.id) : root
    const specFile = path.join(dir, SPEC_FILE)
    if (!existsSync(specFile)) {
      if (experiments.length === 1) throw new RunDirectoryError(dir, `holds no ${SPEC_FILE}: not a run directory of cl-reproduce`)
      // `run all` was killed before reaching this experiment: start it fresh there.
      plans.push(planFresh([experiment], { ...options, out: dir })[0]!)
      continue
    }
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec
    if (spec.experiment !== experiment.id) throw new RunDirectoryError(dir, `holds a run of '${spec.experiment}', not '${experiment.id}'`)
    if (isRunComplete(dir)) {
      options.log(`${experiment.id}: already complete in ${dir}`)
      continue
    }
    const config = parseConfig(experiment.configSchema, spec.config, 'config')
    plans.push({ experiment, config, preset: spec.preset, seed: spec.seed, seeds: spec.seeds, resumeDir: dir, ...(spec.dgp !== undefined ? { recordedDgp: spec.dgp } : {}) })
  }
  return plans
}

async function runOne(plan: RunPlan, selection: BackendSelection, options: RunOptions): Promise<FinishedRun> {
  const { experiment, config, preset, userDgp } = plan
  const dgp = userDgp !== undefined ? { dgp: { module: userDgp.module, sha256: userDgp.sha256 } } : {}
  const seeds = Array.from({ length: plan.seeds }, (_, i) => plan.seed + i)
  let dir: string
  if (plan.resumeDir !== undefined) {
    dir = plan.resumeDir
    options.log(`resuming in ${dir}`)
  } else {
    dir = createRunDir({ ...(plan.out !== undefined ? { out: plan.out } : {}), experiment: experiment.id, preset, seed: plan.seed })
    const spec: RunSpec = { experiment: experiment.id, preset, seed: plan.seed, seeds: plan.seeds, config, ...dgp }
    writeFileAtomic(path.join(dir, SPEC_FILE), `${JSON.stringify(spec, null, 2)}\n`)
    options.log(`run directory: ${dir}`)
  }
  const started = new Date()
  writeStatus(dir, { state: 'running', startedAt: started.toISOString(), pid: process.pid })
  // Ctrl-C / SIGTERM: training stops at its next step (after a checkpoint), the run is marked interrupted, never complete.
  const controller = new AbortController()
  const onSigint = () => {
    requestStop('SIGINT')
    controller.abort('SIGINT')
  }
  const onSigterm = () => {
    requestStop('SIGTERM')
    controller.abort('SIGTERM')
  }
  clearStop()
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigterm)
  const resumeHint = `cl-reproduce run ${experiment.id} --resume ${dir}`
  try {
    const output = await experiment.run({ config, preset, seeds, backend: selection, runDir: dir, log: options.log, signal: controller.signal, ...(userDgp !== undefined ? { userDgp } : {}) })
    const figures = output.figures.map((f) => {
      const file = `${f.name}.svg`
      writeFileSync(path.join(dir, file), f.svg)
      return { name: f.name, caption: f.caption, file }
    })
    const finished = new Date()
    const result = resultSchema.parse({
      schemaVersion: 1,
      experiment: experiment.id,
      title: experiment.title,
      paperRef: experiment.paperRef,
      preset,
      seeds,
      backend: { name: selection.backend, detail: selection.detail, forced: selection.forced, attempts: selection.attempts },
      config,
      versions: { node: process.version, tfjs: tf.version.tfjs, app: options.appVersion },
      timings: { startedAt: started.toISOString(), finishedAt: finished.toISOString(), wallSeconds: (finished.getTime() - started.getTime()) / 1000 },
      metrics: output.metrics,
      paper: output.paper,
      claims: output.claims,
      figures,
      ...dgp,
    })
    writeFileAtomic(path.join(dir, 'report.md'), renderReport(result, output.reportMarkdown))
    writeFileAtomic(path.join(dir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`)
    writeStatus(dir, { state: 'complete', startedAt: started.toISOString(), finishedAt: finished.toISOString() })
    return { dir, result }
  } catch (error) {
    if (isClError(error, 'CL_INTERRUPTED')) {
      writeStatus(dir, { state: 'interrupted', startedAt: started.toISOString(), interruptedAt: new Date().toISOString(), resume: resumeHint })
      throw error
    }
    writeStatus(dir, {
      state: 'failed',
      startedAt: started.toISOString(),
      failedAt: new Date().toISOString(),
      error: error instanceof Error ? error.message : String(error),
      resume: resumeHint,
    })
    throw error
  } finally {
    process.removeListener('SIGINT', onSigint)
    process.removeListener('SIGTERM', onSigterm)
    clearStop()
  }
}

/** report.md: header with provenance, the experiment's own tables, claim verdicts and inline figures. */
export function renderReport(result: RunResult, body: string): string {
  const verdicts = result.claims.map((c) => `| ${c.holds ? '✅ holds' : '❌ fails'} | ${c.description} | ${c.expected} | ${c.measured} |`)
  return [
    `# ${result.title}`,
    '',
    `Paper: ${result.paperRef}. Preset \`${result.preset}\`, seeds ${result.seeds.join(', ')}, backend \`${result.backend.name}\` (${result.backend.detail}), ` +
      `${result.timings.wallSeconds.toFixed(1)} s, tfjs ${result.versions.tfjs}, Node ${result.versions.node}.`,
    ...(result.dgp !== undefined ? ['', `DGP: \`${result.dgp.module}\` (${result.dgp.sha256 === null ? 'inline factory' : `sha256 \`${result.dgp.sha256}\``}), not the paper's.`] : []),
    '',
    body.trim(),
    '',
    '## Claims',
    '',
    '| verdict | claim | expected | measured |',
    '|---|---|---|---|',
    ...verdicts,
    '',
    ...result.figures.flatMap((f) => [`![${f.caption}](${f.file})`, '', `*${f.caption}*`, '']),
  ].join('\n')
}
