import type { Experiment, ExperimentOutput, PresetName } from '../experiments/experiment.js'
import { resultSchema, type RunResult } from './result-schema.js'

/** Everything result.json records besides the experiment's output; the CLI's runner and the browser lab fill it alike. */
export interface AssembleResultInput {
  readonly experiment: Pick<Experiment<any>, 'id' | 'title' | 'paperRef'>
  readonly preset: PresetName
  readonly seeds: readonly number[]
  /** The backend used and how it was chosen (`attempts`: each backend tried, selected or skipped with the reason). */
  readonly backend: {
    readonly name: string
    readonly detail: string
    readonly forced: boolean
    readonly attempts: readonly { readonly backend: string; readonly outcome: 'selected' | 'skipped'; readonly reason: string }[]
  }
  /** The resolved config the experiment ran with. */
  readonly config: unknown
  /** `node` (the CLI: process.version) or `browser` (the lab: the user agent), exactly one; tfjs and app versions. */
  readonly versions: { readonly node?: string; readonly browser?: string; readonly tfjs: string; readonly app: string }
  readonly timings: { readonly startedAt: Date; readonly finishedAt: Date }
  readonly output: ExperimentOutput
  /** The figures as written: the SVG's file name and, where one was written, the PNG's. */
  readonly figures: readonly { readonly name: string; readonly caption: string; readonly file: string; readonly png?: string }[]
  /** The user DGP the run used instead of the paper's. */
  readonly dgp?: { readonly module: string; readonly sha256: string | null }
}

/**
 * The result.json object of a finished run, validated by {@link resultSchema} (a ZodError names the offending field).
 * Pure: no file system, no tfjs; the CLI's runner writes it, the browser lab offers it as a download.
 */
export function assembleResult(input: AssembleResultInput): RunResult {
  const { experiment, backend, versions, timings, output } = input
  return resultSchema.parse({
    schemaVersion: 1,
    experiment: experiment.id,
    title: experiment.title,
    paperRef: experiment.paperRef,
    preset: input.preset,
    seeds: input.seeds,
    backend: { name: backend.name, detail: backend.detail, forced: backend.forced, attempts: backend.attempts },
    config: input.config,
    versions,
    timings: { startedAt: timings.startedAt.toISOString(), finishedAt: timings.finishedAt.toISOString(), wallSeconds: (timings.finishedAt.getTime() - timings.startedAt.getTime()) / 1000 },
    metrics: output.metrics,
    paper: output.paper,
    claims: output.claims,
    figures: input.figures,
    ...(input.dgp !== undefined ? { dgp: input.dgp } : {}),
  })
}
