import path from 'node:path'
import { RESULT_FILE } from '../../run/run-dir.js'
import type { Experiment } from '../../experiments/experiment.js'
import { meanStd } from '../../experiments/stats.js'
import { taskDir, taskLog, type SweepManifest } from '../manifest.js'
import type { ClaimTally, PointSummary, ScalarStats } from './summary-schema.js'
import { logTail, type CompleteTask, type MissingTask, type TaskReadout } from './tasks.js'

/** A complete task with its validated config and headline scalars. */
export interface EvaluatedTask extends CompleteTask {
  readonly config: unknown
  readonly scalars: Readonly<Record<string, number>>
}

/** The complete tasks of a sweep, evaluated, and every task that is missing (including those that could not be read). */
export interface Evaluated {
  readonly complete: readonly EvaluatedTask[]
  readonly missing: readonly MissingTask[]
}

/**
 * Validate each complete task's recorded config with the experiment's schema and take its headline scalars
 * (`sweep.scalars`, none without sweep support). A task whose config or metrics the experiment cannot read is listed as
 * failed with the reason, like a malformed result.json. Tasks come back in (grid point, seed) order.
 */
export function evaluateTasks(experiment: Experiment<any>, dir: string, readout: TaskReadout): Evaluated {
  const complete: EvaluatedTask[] = []
  const missing: MissingTask[] = [...readout.missing]
  for (const t of readout.complete) {
    const file = path.join(taskDir(dir, t.task), RESULT_FILE)
    const parsed = experiment.configSchema.safeParse(t.result.config)
    let error: string | undefined
    let scalars: Record<string, number> = {}
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      error = `${file}: config.${issue?.path.join('.') ?? ''} is not a valid ${experiment.id} config (${issue?.message ?? 'invalid'})`
    } else {
      try {
        scalars = experiment.sweep?.scalars(t.result.metrics, parsed.data) ?? {}
      } catch (e) {
        error = `${file}: the metrics cannot be read by ${experiment.id} (${(e as Error).message})`
      }
    }
    if (error === undefined) {
      complete.push({ ...t, config: parsed.data, scalars })
      continue
    }
    const log = taskLog(dir, t.task.index)
    const tail = logTail(log)
    missing.push({ index: t.task.index, pointIndex: t.task.pointIndex, point: t.task.point, seed: t.task.seed, state: 'failed', error, log, ...(tail !== undefined ? { logTail: tail } : {}) })
  }
  complete.sort((a, b) => a.task.pointIndex - b.task.pointIndex || a.task.seed - b.task.seed || a.task.index - b.task.index)
  missing.sort((a, b) => a.index - b.index)
  return { complete, missing }
}

/** A finite number, or null (how JSON holds NaN and ±∞). */
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

/** Names in order of first appearance over a list of records. */
function orderedNames(records: readonly Readonly<Record<string, unknown>>[]): string[] {
  const names: string[] = []
  const seen = new Set<string>()
  for (const r of records) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue
      seen.add(k)
      names.push(k)
    }
  }
  return names
}

/** Mean ± sample std (stats.meanStd) of each scalar over the tasks that report it, in seed order. */
export function scalarStats(tasks: readonly EvaluatedTask[]): ScalarStats[] {
  return orderedNames(tasks.map((t) => t.scalars)).map((name) => {
    const values = tasks.filter((t) => name in t.scalars).map((t) => t.scalars[name]!)
    const { mean, std } = meanStd(values)
    return { name, mean: finiteOrNull(mean), std: finiteOrNull(std), n: values.length, values: values.map(finiteOrNull) }
  })
}

/** For every claim id the tasks checked: in how many of them it held. */
export function claimTallies(tasks: readonly EvaluatedTask[]): ClaimTally[] {
  const tallies = new Map<string, ClaimTally>()
  for (const t of tasks) {
    for (const c of t.result.claims) {
      const prior = tallies.get(c.id) ?? { id: c.id, description: c.description, held: 0, n: 0 }
      tallies.set(c.id, { ...prior, held: prior.held + (c.holds ? 1 : 0), n: prior.n + 1 })
    }
  }
  return [...tallies.values()]
}

/** One summary entry per grid point of the manifest (a point without complete tasks has empty lists). */
export function summarizePoints(manifest: SweepManifest, complete: readonly EvaluatedTask[]): PointSummary[] {
  const points = new Map<number, Record<string, unknown>>()
  for (const t of manifest.tasks) if (!points.has(t.pointIndex)) points.set(t.pointIndex, t.point)
  return [...points.entries()]
    .sort(([a], [b]) => a - b)
    .map(([pointIndex, point]) => {
      const tasks = complete.filter((t) => t.task.pointIndex === pointIndex)
      return {
        pointIndex,
        point,
        seeds: tasks.map((t) => t.task.seed),
        tasks: tasks.map((t) => t.task.index),
        scalars: scalarStats(tasks),
        claims: claimTallies(tasks),
      }
    })
}
