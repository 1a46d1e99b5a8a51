import os from 'node:os'
import { InvalidConfigError } from '@cl/core'
import { BENCH_BACKENDS, type BenchBackend } from './backend.js'
import type { RowSpec } from './row.js'
import { WORKLOADS } from './workloads/index.js'
import { DEFAULT_WORKLOADS, WORKLOAD_NAMES, type WorkloadName } from './workloads/workload.js'

/** loss-only's N ladder of `--sweep` (steps/s should fall no faster than N²; 16 384 is the memory target). */
export const SWEEP_N = [1024, 2048, 4096, 6144, 8192, 12_288, 16_384] as const

/** Generator construction draws of the app (cl-ica); `--quick` uses {@link QUICK_THRESHOLD_DRAWS}. */
export const THRESHOLD_DRAWS = 25_000
export const QUICK_THRESHOLD_DRAWS = 50
export const DEFAULT_MIN_SECONDS = 5
export const QUICK_MIN_SECONDS = 0.05
export const MIN_RUNS = 3

/** What the user asked for (CLI flags or the programmatic API); every field optional. */
export interface BenchRequest {
  readonly workloads?: readonly WorkloadName[]
  readonly backends?: readonly BenchBackend[]
  /** Batch sizes for every selected workload (default: each workload's own, or its quick N). */
  readonly n?: readonly number[]
  readonly sweep?: boolean
  readonly runs?: number
  readonly minSeconds?: number
  /** Fused-kernel worker counts; default [1, 2] (capped by the cores) where the kernel has a setter, else [1]. */
  readonly threads?: readonly number[]
  readonly quick?: boolean
  readonly seed?: number
}

/** Parse a comma-separated list; each item through `item`, naming `field` in the error. */
export function parseList<T>(field: string, text: string, item: (s: string) => T): T[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  if (parts.length === 0) throw new InvalidConfigError(field, 'a comma-separated list', text)
  return parts.map(item)
}

/** Parse a positive integer argument. */
export function parseCount(field: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const v = Number(text)
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min || v > max) throw new InvalidConfigError(field, `an integer in [${min}, ${max}]`, text)
    return v
  }
}

export function parseWorkload(text: string): WorkloadName {
  if (!(WORKLOAD_NAMES as readonly string[]).includes(text)) throw new InvalidConfigError('workload', `one of ${WORKLOAD_NAMES.join(', ')} or all`, text)
  return text as WorkloadName
}

export function parseBackend(text: string): BenchBackend {
  if (!(BENCH_BACKENDS as readonly string[]).includes(text)) {
    const why = text === 'webgpu' || text === 'tensorflow' ? ` (${text} is not measured by the bench yet; see docs/benchmarks.md)` : ''
    throw new InvalidConfigError('backend', `one of ${BENCH_BACKENDS.join(', ')} or all${why}`, text)
  }
  return text as BenchBackend
}

function defaultThreads(): number[] {
  return os.availableParallelism() >= 2 ? [1, 2] : [1]
}

/** The rows a request measures, in order: backend, then workload, then N, then threads. */
export function planRows(request: BenchRequest, available: readonly BenchBackend[]): RowSpec[] {
  const quick = request.quick ?? false
  const runs = request.runs ?? MIN_RUNS
  if (!Number.isInteger(runs) || runs < MIN_RUNS) throw new InvalidConfigError('runs', `an integer >= ${MIN_RUNS} (the median of at least three timed runs)`, runs)
  const minSeconds = request.minSeconds ?? (quick ? QUICK_MIN_SECONDS : DEFAULT_MIN_SECONDS)
  if (!(typeof minSeconds === 'number' && minSeconds > 0 && Number.isFinite(minSeconds))) throw new InvalidConfigError('minsec', 'a number of seconds > 0', minSeconds)
  const workloads = request.workloads ?? (request.sweep === true ? ['loss-only' as const] : DEFAULT_WORKLOADS)
  const backends = request.backends ?? available
  const threads = [...new Set(request.threads ?? (quick ? [1] : defaultThreads()))]
  const rows: RowSpec[] = []
  for (const backend of backends) {
    for (const name of workloads) {
      const w = WORKLOADS[name]
      const ns = request.n ?? (request.sweep === true && name === 'loss-only' ? SWEEP_N : [quick ? w.quickN : w.defaultN])
      for (const n of ns) {
        for (const t of threads) {
          rows.push({ backend, workload: name, n, threads: t, runs, minSeconds, seed: request.seed ?? 0, thresholdDraws: quick ? QUICK_THRESHOLD_DRAWS : THRESHOLD_DRAWS })
        }
      }
    }
  }
  return rows
}
