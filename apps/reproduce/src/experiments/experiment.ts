import type { z } from 'zod'
import type { BackendSelection } from '../backend/select.js'

/** A paper claim checked by a run: what the paper says should happen, what we measured, and the verdict. */
export interface Claim {
  readonly id: string
  readonly description: string
  readonly expected: string
  readonly measured: string
  readonly holds: boolean
}

/** A figure produced by an experiment, as a self-contained SVG document. */
export interface Figure {
  readonly name: string
  readonly caption: string
  readonly svg: string
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

/** Everything a running experiment may use. */
export interface ExperimentContext<C> {
  readonly config: C
  readonly preset: PresetName
  readonly seeds: readonly number[]
  readonly backend: BackendSelection
  readonly runDir: string
  /** Progress and log lines (stderr); experiments never write to stdout directly. */
  readonly log: (line: string) => void
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
  readonly presets: Record<PresetName, C>
  run(context: ExperimentContext<C>): Promise<ExperimentOutput>
}
