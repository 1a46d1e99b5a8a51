import type { z } from 'zod'
import type * as tf from '@tensorflow/tfjs'
import type { Dgp } from '@cl/dgp'
import type { CheckpointStore } from '@cl/train'

/** What `cl-reproduce` asks of a DGP: the latent space, d, d_c and the seed of the run (§4.1). */
export interface DgpFactoryOptions {
  readonly space: 'box' | 'sphere'
  readonly dims: number
  readonly contentDims: number
  readonly seed: number
}

/**
 * A user-supplied DGP: the default export of an ES module passed with `--dgp FILE` (or a function handed to the
 * programmatic API). Called once per (space, d, d_c, seed) an experiment needs; returns a `@cl/dgp` `Dgp`.
 */
export type DgpFactory = (options: DgpFactoryOptions) => Dgp

/** A loaded user DGP and where it came from (recorded in run.json, result.json and report.md). */
export interface UserDgp {
  readonly factory: DgpFactory
  /** Absolute path of the module (or a label such as `inline:<name>` for the programmatic API). */
  readonly module: string
  /** sha256 of the module file's bytes (hex); `null` for an inline factory. */
  readonly sha256: string | null
}

/** A paper claim checked by a run: what the paper says should happen, what we measured, and the verdict. */
export interface Claim {
  readonly id: string
  readonly description: string
  readonly expected: string
  readonly measured: string
  readonly holds: boolean
}

/** A figure produced by an experiment: a self-contained SVG document and, where rendered, the same figure as PNG. */
export interface Figure {
  readonly name: string
  readonly caption: string
  readonly svg: string
  /** PNG bytes of the same figure (written as `<name>.png` beside `<name>.svg`). */
  readonly png?: Uint8Array
}

/** What an experiment hands back to the runner; the runner adds metadata and validates the whole result. */
export interface ExperimentOutput {
  /** Every measured number, JSON-serialisable. */
  readonly metrics: Record<string, unknown>
  /** The paper's numbers for the same quantities, where the paper gives them. */
  readonly paper: Record<string, unknown>
  readonly claims: readonly Claim[]
  readonly figures: readonly Figure[]
  /** Markdown body for report.md (tables paper vs ours). */
  readonly reportMarkdown: string
}

/**
 * The tfjs backend a run uses and how it was chosen: the CLI's `BackendSelection` (backend/select.ts), or what the
 * browser lab records (there `backend` may also be `webgl`). Written to result.json as `backend`.
 */
export interface RunBackend {
  readonly backend: string
  readonly detail: string
  readonly forced: boolean
  readonly attempts: readonly { readonly backend: string; readonly outcome: 'selected' | 'skipped'; readonly reason: string }[]
}

/**
 * One finished training step of an encoder (`trainEncoder`, the synthetic experiments of §4.1): `job` is the training
 * job's checkpoint key, `step` the steps completed (1-based) of `steps`, `loss` the step's InfoNCE loss. `variables`
 * are the encoder's named variables: read them synchronously inside the callback only (e.g. `tf.tidy` + `dataSync` of
 * a weight), never keep or dispose them.
 */
export interface TrainStepInfo {
  readonly job: string
  readonly step: number
  readonly steps: number
  readonly loss: number
  readonly variables: ReadonlyMap<string, tf.Variable>
}

/** Everything a running experiment may use. */
export interface ExperimentContext<C> {
  readonly config: C
  readonly preset: PresetName
  readonly seeds: readonly number[]
  readonly backend: RunBackend
  /** Where the run is written (the CLI), or a label such as `browser:<id>` (the lab); experiments only name it. */
  readonly runDir: string
  /**
   * Checkpoints and finished sub-results of the run (`@cl/train`'s interface): the CLI's file store in
   * `<runDir>/checkpoints/`, or a `MemoryCheckpointStore` in the browser. A run resumes from what it holds.
   */
  readonly store: CheckpointStore
  /** Called after every training step of the synthetic experiments (live views); must not throw or keep `variables`. */
  readonly onTrainStep?: (info: TrainStepInfo) => void
  /** Progress and log lines (stderr); experiments never write to stdout directly. */
  readonly log: (line: string) => void
  /**
   * A user DGP replacing the paper's (`--dgp FILE`). Experiments that use a DGP call `userDgp.factory` where they
   * would build the paper's; an experiment that needs more than sampling (g⁻¹, a linear g) throws one line naming
   * what is missing.
   */
  readonly userDgp?: UserDgp
  /** Aborted on Ctrl-C / SIGTERM: training stops at its next step (after a checkpoint) with an InterruptedError. */
  readonly signal: AbortSignal
}

/**
 * How single-seed runs of an experiment combine in a sweep (`cl-reproduce collect`): each task of a sweep is one run
 * with `--seeds 1`; collect groups the tasks of a grid point and asks the experiment for its headline numbers and,
 * where it can, for its own tables, claims and figures over all of the point's seeds.
 */
export interface SweepSupport<C> {
  /**
   * The headline numbers of one finished run, from its result.json `metrics` (and resolved config): name → value, in
   * the order the sweep report shows them. Names are short and stable, e.g. `box L_CL (f_InfoNCE)`.
   */
  scalars(metrics: Record<string, unknown>, config: C): Record<string, number>
  /**
   * The experiment's own output (report tables, claims, figures) over several single-seed runs of one config, as
   * `cl-reproduce run --seeds K` would write it: `metrics` are the result.json metrics of each seed's run, in seed order.
   */
  combineSeeds?(config: C, metrics: readonly Record<string, unknown>[], options: { readonly userDgp?: UserDgp }): Promise<ExperimentOutput>
  /**
   * The group of a scalar (e.g. `box`, `sphere`): the sweep report shows one table and one figure per group, so that a
   * figure holds comparable series on one scale. Without it the scalars are shown in chunks of six, in order.
   */
  group?(scalar: string): string
}

export const PRESET_NAMES = ['quick', 'paper'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

/** One experiment of the paper, runnable by `cl-reproduce run <id>`. */
export interface Experiment<C = unknown> {
  /** Stable CLI id, e.g. `table1`. */
  readonly id: string
  readonly title: string
  /** Where in the paper: section, figure or table. */
  readonly paperRef: string
  /** One line for `cl-reproduce list`. */
  readonly summary: string
  /** tfjs kernels the experiment needs, forward and backward; backends lacking any are skipped. */
  readonly requiredKernels: readonly string[]
  /** Validates the resolved config (preset + `--set` overrides). */
  readonly configSchema: z.ZodType<C>
  /**
   * Set when the experiment is a statement about the paper's own DGP (its closed-form covariances, A⁻¹, a σ_c sweep),
   * so a user DGP cannot serve it: why, in one clause. Alone with `--dgp` it is refused before anything is written; in
   * `run all --dgp` it runs on the paper's DGP and the run log says so (its report names the paper DGP as always).
   */
  readonly paperDgpOnly?: string
  /**
   * Set (with `paperDgpOnly` giving the reason) when the experiment samples no DGP at all, e.g. the image experiments of
   * §4.2: `run all --dgp` then logs that it uses no DGP rather than that it runs on the paper's.
   */
  readonly usesNoDgp?: boolean
  readonly presets: Record<PresetName, C>
  /**
   * Checks that need the resolved config but no run directory (memory estimates, temperatures that underflow float32,
   * a user DGP lacking what the experiment needs); throws a typed error naming the field. Called before anything is
   * written.
   */
  preflight?(config: C, options: { readonly userDgp?: UserDgp }): void
  /** Sweep support (`cl-reproduce collect`); without it a sweep reports the claims' hold rates only. */
  readonly sweep?: SweepSupport<C>
  run(context: ExperimentContext<C>): Promise<ExperimentOutput>
}
