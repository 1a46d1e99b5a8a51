import path from 'node:path'
import type { Experiment, ExperimentOutput, Figure, UserDgp } from '../../experiments/experiment.js'
import type { RunResult } from '../../run/result-schema.js'
import { makeDirs, writeFileAtomic, type RunWriter } from '../../run/run-dir.js'
import { renderReport } from '../../run/render-report.js'
import type { EvaluatedTask } from './aggregate.js'

/** The directory of a grid point's combined report under `collected/`. */
export function pointDirName(pointIndex: number): string {
  return `point-${pointIndex}`
}

/**
 * The DGP a point's tasks recorded, for the experiment's report line: collect samples nothing, so the factory is never
 * called (it throws if it were).
 */
function recordedDgp(result: RunResult): UserDgp | undefined {
  if (result.dgp === undefined) return undefined
  const module = result.dgp.module
  return {
    module,
    sha256: result.dgp.sha256,
    factory: () => {
      throw new Error(`collect reads results only; it does not sample the DGP ${module}`)
    },
  }
}

/**
 * The run header of a combined report: the first task's result with the point's seeds, the tasks' backends (one, or
 * all names when they differ), their earliest start, latest finish and summed wall time (the compute the point took).
 */
function combinedHeader(tasks: readonly EvaluatedTask[]): RunResult {
  const first = tasks[0]!.result
  const names = [...new Set(tasks.map((t) => t.result.backend.name))].sort()
  const starts = tasks.map((t) => t.result.timings.startedAt).sort()
  const ends = tasks.map((t) => t.result.timings.finishedAt).sort()
  return {
    ...first,
    seeds: tasks.map((t) => t.task.seed),
    backend: names.length === 1 ? first.backend : { name: names.join(', '), detail: 'the tasks ran on different backends', forced: first.backend.forced, attempts: [] },
    timings: { startedAt: starts[0]!, finishedAt: ends.at(-1)!, wallSeconds: tasks.reduce((a, t) => a + t.result.timings.wallSeconds, 0) },
  }
}

/** A grid point's combined output and the run header its report shows. */
export interface CombinedPoint {
  readonly header: RunResult
  readonly output: ExperimentOutput
}

/**
 * The experiment's own output over a point's complete seeds: `sweep.combineSeeds` on each seed's metrics, in seed
 * order, as `run --seeds K` would summarise them; rendered by {@link writePointReport} like a run's report.md.
 */
export async function combinePoint(experiment: Experiment<any>, tasks: readonly EvaluatedTask[]): Promise<CombinedPoint> {
  const combine = experiment.sweep?.combineSeeds
  if (combine === undefined || tasks.length === 0) throw new Error('combinePoint needs combineSeeds and at least one complete task')
  const header = combinedHeader(tasks)
  const userDgp = recordedDgp(header)
  const output = await combine(tasks[0]!.config, tasks.map((t) => t.result.metrics), userDgp !== undefined ? { userDgp } : {})
  return { header, output }
}

/**
 * Write `<outDir>/point-<i>/report.md` and its figures from {@link combinePoint}; a file that cannot be written throws
 * a RunFileError naming it. Returns the report's path relative to `outDir`.
 */
export function writePointReport(outDir: string, pointIndex: number, { header, output }: CombinedPoint, writer?: RunWriter): string {
  const dir = path.join(outDir, pointDirName(pointIndex))
  makeDirs(dir)
  const figures = output.figures.map((f: Figure) => {
    const file = `${f.name}.svg`
    writeFileAtomic(path.join(dir, file), f.svg, writer)
    if (f.png === undefined) return { name: f.name, caption: f.caption, file }
    writeFileAtomic(path.join(dir, `${f.name}.png`), f.png, writer)
    return { name: f.name, caption: f.caption, file, png: `${f.name}.png` }
  })
  const result: RunResult = { ...header, metrics: output.metrics, paper: output.paper, claims: [...output.claims], figures }
  writeFileAtomic(path.join(dir, 'report.md'), renderReport(result, output.reportMarkdown), writer)
  return path.join(pointDirName(pointIndex), 'report.md')
}
