/**
 * The programmatic face of cl-reproduce (`import { runExperiment } from '@cl/reproduce'`): the same runs the CLI
 * makes — fresh run directory, run.json, checkpoints, report.md, figures, schema-validated result.json — from a
 * script, optionally on your own DGP (a factory function or an ES module file, README "Bring your own DGP").
 */
import { InvalidConfigError } from '@cl/core'
import type { BackendName } from './backend/candidates.js'
import { checkedFactory, loadUserDgp } from './dgp/load-user-dgp.js'
import { PRESET_NAMES, type DgpFactory, type PresetName, type UserDgp } from './experiments/experiment.js'
import { EXPERIMENTS } from './experiments/registry.js'
import { mergeConfig, parseOverrides } from './run/overrides.js'
import { runExperiments, type FinishedRun } from './run/runner.js'
import { APP_VERSION } from './version.js'
import { installNodeFigureRenderer } from './report/node-figures.js'
import { installTtyProgressBar } from './train/tty-progress-bar.js'

// Figures measured and rasterised by resvg in the shipped font; a progress bar on a TTY (the browser lab installs its own).
installNodeFigureRenderer()
installTtyProgressBar()

export type { DgpFactory, DgpFactoryOptions, UserDgp, Claim, Experiment, ExperimentOutput, PresetName } from './experiments/experiment.js'
export type { FinishedRun } from './run/runner.js'
export type { RunResult } from './run/result-schema.js'
export type { BackendName } from './backend/candidates.js'
export { resultSchema } from './run/result-schema.js'
export { EXPERIMENTS } from './experiments/registry.js'
export { loadUserDgp } from './dgp/load-user-dgp.js'
export { DgpModuleError } from './dgp/dgp-module-error.js'
export { APP_VERSION } from './version.js'

/** Options of {@link runExperiment}; every field but `experiment` has the CLI's default. */
export interface RunExperimentOptions {
  /** Experiment id, as in `cl-reproduce list` (e.g. `'fig1-r2-box'`). */
  readonly experiment: string
  /**
   * Your DGP instead of the paper's: a factory `({ space, dims, contentDims, seed }) => Dgp`, or the path of an ES
   * module whose default export is one (what `--dgp FILE` takes). Absent: the paper's DGP.
   */
  readonly dgp?: DgpFactory | string
  /** `'quick'` (default) or `'paper'`. */
  readonly preset?: PresetName
  /** First seed (default 0). */
  readonly seed?: number
  /** Number of seeds seed, seed+1, … (default 1). */
  readonly seeds?: number
  /** Config overrides as a nested partial config, e.g. `{ train: { steps: 200 } }` (validated by the schema). */
  readonly overrides?: Record<string, unknown>
  /** The same overrides as `--set key=value` strings, e.g. `['train.steps=200']`; applied before `overrides`. */
  readonly set?: readonly string[]
  /** Run directory (must not exist or be empty); default `runs/<experiment>/<timestamp>-<preset>-seed<seed>`. */
  readonly out?: string
  /** Continue the interrupted or failed run in this directory (its recorded config, seeds and DGP are used). */
  readonly resume?: string
  /** TensorFlow.js backend (default `'auto'`). */
  readonly backend?: BackendName | 'auto'
  /** Progress and log lines (default: stderr). */
  readonly log?: (line: string) => void
}

/** A user DGP from a factory function: labelled `inline:<function name>`, no hash (there is no file). */
function inlineDgp(factory: DgpFactory): UserDgp {
  const module = `inline:${factory.name || 'anonymous'}`
  return { factory: checkedFactory(factory, module), module, sha256: null }
}

/**
 * Run one experiment end to end, as `cl-reproduce run <experiment>` does, and return where it was written and its
 * validated result. Throws the CLI's typed errors (invalid config, unknown experiment, a DGP module that cannot be
 * used) before anything is written; a run that fails afterwards is marked failed in its directory.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<FinishedRun> {
  const experiment = EXPERIMENTS.find((e) => e.id === options.experiment)
  if (experiment === undefined) throw new InvalidConfigError('experiment', `one of ${EXPERIMENTS.map((e) => e.id).join(', ')}`, options.experiment)
  const preset = options.preset ?? 'quick'
  if (!PRESET_NAMES.includes(preset)) throw new InvalidConfigError('preset', PRESET_NAMES.join(' or '), preset)
  const seed = options.seed ?? 0
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InvalidConfigError('seed', 'an integer >= 0', seed)
  if (options.dgp !== undefined && typeof options.dgp !== 'string' && typeof options.dgp !== 'function') {
    throw new InvalidConfigError('dgp', 'a factory function or the path of an ES module', options.dgp)
  }
  const userDgp = options.dgp === undefined ? undefined : typeof options.dgp === 'string' ? await loadUserDgp(options.dgp) : inlineDgp(options.dgp)
  const overrides = mergeConfig(parseOverrides(options.set ?? []), options.overrides ?? {}) as Record<string, unknown>
  const [run] = await runExperiments([experiment], {
    preset,
    seed,
    seeds: options.seeds ?? 1,
    backend: options.backend ?? 'auto',
    overrides,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    appVersion: APP_VERSION,
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(options.resume !== undefined ? { resume: options.resume } : {}),
    ...(userDgp !== undefined ? { userDgp } : {}),
  })
  if (run === undefined) throw new InvalidConfigError('resume', 'a run directory that is not already complete', options.resume)
  return run
}
