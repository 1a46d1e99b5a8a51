import { z } from 'zod'
import { PRESET_NAMES } from '../../experiments/experiment.js'

/** The file collect writes under `<sweep>/collected/`: the sweep's numbers, deterministic given the task results. */
export const SUMMARY_FILE = 'summary.json'

const TASK_STATES = ['complete', 'failed', 'interrupted', 'running', 'stopped', 'pending'] as const

/** A number as JSON holds it: a non-finite value (a diverged run's NaN) is written as null. */
const jsonNumber = z.number().nullable()

/** One headline scalar of a grid point over its complete seeds (mean and sample std, n − 1, of `values`). */
const scalarStatsSchema = z.strictObject({
  name: z.string().min(1),
  mean: jsonNumber,
  std: jsonNumber,
  /** How many of the point's complete tasks reported this scalar. */
  n: z.number().int().positive(),
  /** The per-task values, in seed order (tasks lacking the scalar are left out). */
  values: z.array(jsonNumber),
})

/** One claim of a grid point: in how many of the `n` seeds that checked it it held. */
const claimTallySchema = z.strictObject({
  id: z.string().min(1),
  description: z.string().min(1),
  held: z.number().int().nonnegative(),
  n: z.number().int().positive(),
})

const pointSummarySchema = z.strictObject({
  pointIndex: z.number().int().nonnegative(),
  point: z.record(z.string(), z.unknown()),
  /** Seeds of the point's complete tasks, ascending. */
  seeds: z.array(z.number().int().nonnegative()),
  /** Indices of the point's complete tasks, in seed order. */
  tasks: z.array(z.number().int().nonnegative()),
  scalars: z.array(scalarStatsSchema),
  claims: z.array(claimTallySchema),
})

/** A task without a usable result: not finished, failed, or with a result.json that cannot be read. */
export const missingTaskSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  pointIndex: z.number().int().nonnegative(),
  point: z.record(z.string(), z.unknown()),
  seed: z.number().int().nonnegative(),
  state: z.enum(TASK_STATES),
  error: z.string().optional(),
  /** The task's log, relative to the sweep directory (`logs/task-<index>.log`). */
  log: z.string().min(1),
})

/**
 * Schema of `collected/summary.json`. Everything but `provenance` is a function of the manifest and the task results
 * only (no timestamps, no absolute paths), so the same sweep run locally and through a scheduler collects to the same
 * numbers.
 */
export const sweepSummarySchema = z.strictObject({
  schemaVersion: z.literal(1),
  experiment: z.string().min(1),
  preset: z.enum(PRESET_NAMES),
  grid: z.array(z.strictObject({ key: z.string().min(1), values: z.array(z.unknown()).min(1) })),
  seeds: z.strictObject({ first: z.number().int().nonnegative(), count: z.number().int().positive() }),
  tasks: z.strictObject({ total: z.number().int().positive(), complete: z.number().int().nonnegative(), missing: z.number().int().nonnegative() }),
  points: z.array(pointSummarySchema),
  missing: z.array(missingTaskSchema),
  provenance: z.strictObject({ collectedAt: z.iso.datetime(), appVersion: z.string().min(1), dir: z.string().min(1) }),
})

export type SweepSummary = z.infer<typeof sweepSummarySchema>
export type PointSummary = z.infer<typeof pointSummarySchema>
export type ScalarStats = z.infer<typeof scalarStatsSchema>
export type ClaimTally = z.infer<typeof claimTallySchema>
export type MissingTaskRecord = z.infer<typeof missingTaskSchema>
