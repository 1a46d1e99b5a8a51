import { InvalidConfigError } from '@cl/core'
import type { Experiment, PresetName, UserDgp } from '../experiments/experiment.js'
import { configKeys } from '../run/config-keys.js'
import { mergeConfig } from '../run/overrides.js'
import { resolveConfig } from '../run/runner.js'
import { assertSeedRange } from '../run/seed-range.js'
import { MAX_SWEEP_TASKS, formatPoint, gridPoints, nestPoint } from './grid.js'
import { TASKS_DIR, type GridAxis, type SweepManifest, type SweepTask } from './manifest.js'

/** What `cl-reproduce sweep` was asked for (everything the manifest records). */
export interface SweepRequest {
  readonly experiment: Experiment<any>
  readonly preset: PresetName
  readonly grid: readonly GridAxis[]
  readonly seed: number
  readonly seeds: number
  /** Parsed `--set` overrides; a grid key may not also be set here. */
  readonly overrides: Record<string, unknown>
  readonly backend: string
  readonly threads: number
  readonly userDgp?: UserDgp
  readonly appVersion: string
}

/**
 * A relative work estimate of one run from its resolved config: Σ steps × batchSize over every training block
 * (`{ steps, batchSize }` anywhere in the config); 1 when the config trains nothing. Only the order in which the local
 * pool starts tasks depends on it (largest first), never a result.
 */
export function estimateWork(config: unknown): number {
  let work = 0
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (typeof node !== 'object' || node === null) return
    const o = node as Record<string, unknown>
    if (typeof o.steps === 'number' && typeof o.batchSize === 'number') work += o.steps * o.batchSize
    for (const v of Object.values(o)) visit(v)
  }
  visit(config)
  return work > 0 ? work : 1
}

/** The `--set` overrides of one grid point: the sweep's own, with the point merged over them. */
export function pointOverrides(overrides: Record<string, unknown>, point: Record<string, unknown>): Record<string, unknown> {
  return mergeConfig(overrides, nestPoint(point)) as Record<string, unknown>
}

/** True when `key` (dotted) or a key inside it is set in the nested `overrides`. */
function isSet(overrides: Record<string, unknown>, key: string): boolean {
  let node: unknown = overrides
  for (const k of key.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !(k in node)) return false
    node = (node as Record<string, unknown>)[k]
  }
  return true
}

/**
 * Expand a sweep into its manifest without writing anything: every grid point's config is resolved (preset + `--set`
 * + point) and validated, and the experiment's preflight runs on it, so a bad value is refused before any task starts,
 * naming the grid point. Tasks are numbered point by point, seeds innermost: index = pointIndex × seeds + k.
 */
export function planSweep(request: SweepRequest, now: Date = new Date()): SweepManifest {
  const { experiment, grid, seeds } = request
  assertSeedRange(request.seed, seeds)
  const keys = configKeys(experiment).map((k) => k.key)
  for (const axis of grid) {
    if (!keys.some((k) => k === axis.key || k.startsWith(`${axis.key}.`))) {
      throw new InvalidConfigError(`--grid ${axis.key}`, `a config key of '${experiment.id}' (see 'cl-reproduce config ${experiment.id} --keys')`, axis.key)
    }
    if (isSet(request.overrides, axis.key)) throw new InvalidConfigError(`--grid ${axis.key}`, 'a key that --set does not also give (the grid sets it per task)', axis.values)
  }
  const points = gridPoints(grid)
  if (points.length * seeds > MAX_SWEEP_TASKS) {
    throw new InvalidConfigError('--grid', `at most ${MAX_SWEEP_TASKS} tasks (grid points × seeds); this sweep has ${points.length} × ${seeds}`, grid.map((a) => a.key))
  }
  const only = experiment.paperDgpOnly
  if (only !== undefined && request.userDgp !== undefined) throw new InvalidConfigError('--dgp', `no --dgp for ${experiment.id}: ${only}`, request.userDgp.module)
  const tasks: SweepTask[] = []
  points.forEach((point, pointIndex) => {
    let config: unknown
    try {
      config = resolveConfig(experiment, request.preset, pointOverrides(request.overrides, point))
      experiment.preflight?.(config, request.userDgp !== undefined ? { userDgp: request.userDgp } : {})
    } catch (error) {
      if (!(error instanceof Error)) throw error
      throw new InvalidConfigError(`--grid (point ${formatPoint(point)})`, `a valid config of ${experiment.id} at every grid point (${error.message})`, point, { cause: error })
    }
    const work = estimateWork(config)
    for (let k = 0; k < seeds; k++) {
      const index = pointIndex * seeds + k
      tasks.push({ index, point, pointIndex, seed: request.seed + k, dir: `${TASKS_DIR}/${index}`, work })
    }
  })
  return {
    schemaVersion: 1,
    experiment: experiment.id,
    preset: request.preset,
    grid: grid.map((a) => ({ key: a.key, values: [...a.values] })),
    seed: request.seed,
    seeds,
    overrides: request.overrides,
    backend: request.backend,
    threads: request.threads,
    ...(request.userDgp !== undefined ? { dgp: { module: request.userDgp.module, sha256: request.userDgp.sha256 } } : {}),
    tasks,
    createdAt: now.toISOString(),
    appVersion: request.appVersion,
  }
}

/**
 * The fields of a manifest that define the sweep's results: a rerun must ask for the same ones (threads, time of
 * creation and app version may differ). Returns the first field that differs, or undefined.
 */
export function differingField(recorded: SweepManifest, requested: SweepManifest): { field: string; recorded: unknown; requested: unknown } | undefined {
  const fields = ['experiment', 'preset', 'grid', 'seed', 'seeds', 'overrides', 'backend', 'dgp'] as const
  for (const field of fields) {
    const a = canonicalJson(recorded[field] ?? null)
    const b = canonicalJson(requested[field] ?? null)
    if (a !== b) return { field, recorded: recorded[field], requested: requested[field] }
  }
  return undefined
}

/** JSON with object keys sorted, so `--set a=1 --set b=2` and `--set b=2 --set a=1` compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  )
}
