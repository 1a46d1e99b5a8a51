import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { InvalidConfigError } from '@cl/core'
import type { Experiment } from '../../experiments/experiment.js'
import { makeDirs, writeFileAtomic, type RunWriter } from '../../run/run-dir.js'
import { APP_VERSION } from '../../version.js'
import { SWEEP_FILE, readManifest } from '../manifest.js'
import { evaluateTasks, summarizePoints } from './aggregate.js'
import { sweepFigures } from './figures.js'
import { scalarGroups } from './groups.js'
import { replaceDirectory } from './output-dir.js'
import { combinePoint, writePointReport, type CombinedPoint } from './point-report.js'
import { relativePaths, renderSweepReport } from './report.js'
import { SUMMARY_FILE, sweepSummarySchema, type SweepSummary } from './summary-schema.js'
import { readTasks, type MissingTask } from './tasks.js'

export type { MissingTask } from './tasks.js'
export { SUMMARY_FILE, sweepSummarySchema, type SweepSummary } from './summary-schema.js'

/** Where collect writes: `<sweep>/collected/` (derived output, replaced as a whole by every collect). */
export const COLLECTED_DIR = 'collected'
export const FIGURES_DIR = 'figures'
export const REPORT_FILE = 'report.md'

export interface CollectOptions {
  /** The experiments this cl-reproduce has; the sweep's is looked up by id. */
  readonly experiments: readonly Experiment<any>[]
  readonly log: (line: string) => void
  /** How files are written (tests inject a failing writer); defaults to the file system. */
  readonly writer?: RunWriter
}

export interface CollectOutcome {
  readonly total: number
  readonly complete: number
  readonly missing: MissingTask[]
  readonly outDir: string
  readonly reportFile: string
  readonly summaryFile: string
}

/** The complete-task count of an earlier collect, if its summary.json is readable. */
function earlierComplete(outDir: string): { complete: number; total: number } | undefined {
  const file = path.join(outDir, SUMMARY_FILE)
  if (!existsSync(file)) return undefined
  try {
    const parsed = sweepSummarySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? { complete: parsed.data.tasks.complete, total: parsed.data.tasks.total } : undefined
  } catch {
    return undefined
  }
}

/**
 * `cl-reproduce collect DIR`: merge a sweep's tasks into one report under `DIR/collected/` — mean ± std over seeds of
 * the experiment's headline scalars per grid point (summary.json, report.md), claim hold rates, a figure per numeric
 * grid axis, per point the experiment's own report over its complete seeds (`sweep.combineSeeds`: e.g. Table 1 over K
 * seeds, §4.1), and the missing or failed tasks with their logs. Rerunnable: an earlier `collected/` is replaced as a
 * whole (and the log says so).
 */
export async function collectSweep(dir: string, options: CollectOptions): Promise<CollectOutcome> {
  const sweepDir = path.resolve(dir)
  const manifest = readManifest(sweepDir)
  const experiment = options.experiments.find((e) => e.id === manifest.experiment)
  if (experiment === undefined) {
    throw new InvalidConfigError(`${path.join(sweepDir, SWEEP_FILE)} experiment`, `an experiment of this cl-reproduce (${options.experiments.map((e) => e.id).join(', ')})`, manifest.experiment)
  }
  const evaluated = evaluateTasks(experiment, sweepDir, readTasks(sweepDir, manifest))
  const points = summarizePoints(manifest, evaluated.complete)
  const total = manifest.tasks.length
  const complete = evaluated.complete.length
  const summary: SweepSummary = sweepSummarySchema.parse({
    schemaVersion: 1,
    experiment: manifest.experiment,
    preset: manifest.preset,
    grid: manifest.grid,
    seeds: { first: manifest.seed, count: manifest.seeds },
    tasks: { total, complete, missing: evaluated.missing.length },
    points,
    // paths relative to the sweep: the same sweep collected anywhere gives the same summary (provenance aside)
    missing: evaluated.missing.map(({ logTail: _tail, log, error, ...m }) => ({
      ...m,
      ...(error !== undefined ? { error: relativePaths(error, sweepDir) } : {}),
      log: path.relative(sweepDir, log),
    })),
    provenance: { collectedAt: new Date().toISOString(), appVersion: APP_VERSION, dir: sweepDir },
  })
  const outDir = path.join(sweepDir, COLLECTED_DIR)
  const earlier = earlierComplete(outDir)
  const groups = scalarGroups(experiment, [...new Set(points.flatMap((p) => p.scalars.map((s) => s.name)))])
  const { replaced } = await replaceDirectory(outDir, async (tmp) => {
    writeFileAtomic(path.join(tmp, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`, options.writer)
    const figures = await sweepFigures(manifest.experiment, manifest.grid, points, groups, manifest.seeds)
    if (figures.length > 0) makeDirs(path.join(tmp, FIGURES_DIR))
    const figureFiles = figures.map((f) => {
      const file = path.join(FIGURES_DIR, `${f.name}.svg`)
      writeFileAtomic(path.join(tmp, file), f.svg, options.writer)
      if (f.png !== undefined) writeFileAtomic(path.join(tmp, FIGURES_DIR, `${f.name}.png`), f.png, options.writer)
      return { file, caption: f.caption }
    })
    const pointReports = new Map<number, { file: string } | { none: string }>()
    for (const p of points) {
      const tasks = evaluated.complete.filter((t) => t.task.pointIndex === p.pointIndex)
      if (tasks.length === 0) pointReports.set(p.pointIndex, { none: 'no complete task, no report' })
      else if (experiment.sweep?.combineSeeds === undefined) pointReports.set(p.pointIndex, { none: `${experiment.id} cannot combine seeds into one report; see the task directories ${tasks.map((t) => t.task.dir).join(', ')}` })
      else {
        // an experiment that cannot combine these results is reported; a file that cannot be written fails the collect
        let combined: CombinedPoint | undefined
        try {
          combined = await combinePoint(experiment, tasks)
        } catch (error) {
          options.log(`collect: grid point ${p.pointIndex}: could not combine its seeds: ${(error as Error).message}`)
          pointReports.set(p.pointIndex, { none: `combining the seeds failed: ${(error as Error).message}` })
        }
        if (combined !== undefined) pointReports.set(p.pointIndex, { file: writePointReport(tmp, p.pointIndex, combined, options.writer) })
      }
    }
    const backends = [...new Set(evaluated.complete.map((t) => t.result.backend.name))].sort()
    const report = renderSweepReport(summary, { title: experiment.title, paperRef: experiment.paperRef, backends, groups, figures: figureFiles, pointReports, missing: evaluated.missing, dir: sweepDir })
    writeFileAtomic(path.join(tmp, REPORT_FILE), report, options.writer)
  })
  if (replaced) {
    const before = earlier === undefined ? 'its summary.json was unreadable' : `${earlier.complete}/${earlier.total} tasks complete`
    options.log(`collect: replaced the earlier ${outDir} (${before}) with a new one (${complete}/${total} tasks complete)`)
  }
  options.log(`collect: ${complete}/${total} tasks complete${evaluated.missing.length > 0 ? `, ${evaluated.missing.length} missing or failed (tasks ${evaluated.missing.map((m) => m.index).join(', ')})` : ''}; report ${path.join(outDir, REPORT_FILE)}`)
  return {
    total,
    complete,
    missing: [...evaluated.missing],
    outDir,
    reportFile: path.join(outDir, REPORT_FILE),
    summaryFile: path.join(outDir, SUMMARY_FILE),
  }
}
