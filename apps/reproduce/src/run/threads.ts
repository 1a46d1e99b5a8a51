import os from 'node:os'
import { InvalidArgumentError } from 'commander'
import { parseIntegerArg } from './seed-range.js'

/**
 * Threads per process on wasm/cpu (`--threads`). The cap is tfjs-wasm's threaded build, which creates at most 8
 * pthread workers for XNNPACK (docs/wasm-threads.md).
 */
export const MAX_THREADS = 8

/** `auto`: the machine's cores shared among `jobs` processes, at least 1, at most {@link MAX_THREADS}. */
export function autoThreads(jobs: number, cores: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(cores / Math.max(1, jobs))))
}

/** Commander parser of `--threads`: 'auto' or an integer in [1, {@link MAX_THREADS}]. */
export function parseThreadsArg(value: string): number | 'auto' {
  if (value === 'auto') return 'auto'
  try {
    return parseIntegerArg('--threads', value, 1, MAX_THREADS)
  } catch {
    throw new InvalidArgumentError(`expected 'auto' or an integer in [1, ${MAX_THREADS}]`)
  }
}

/**
 * Smallest training batch for which XNNPACK gets more than one thread. Measured with `pnpm bench --threads 1,2` on a
 * 2-core machine (2026-12-01): 2 threads made the quick MLP step at N = 256 slower (0.73×: the pool's hand-offs cost
 * more than 100-wide matMuls take) and the 500-wide MLP step at N = 2048 faster (1.53×).
 */
export const XNNPACK_MIN_BATCH = 1024

/** The largest `batchSize` anywhere in an experiment config (every training setting of the app names it so). */
export function largestBatch(config: unknown): number {
  if (typeof config !== 'object' || config === null) return 0
  let best = 0
  for (const [key, value] of Object.entries(config)) {
    if (key === 'batchSize' && typeof value === 'number') best = Math.max(best, value)
    else best = Math.max(best, largestBatch(value))
  }
  return best
}

/**
 * How a process uses its `threads`: the fused InfoNCE kernel takes all of them (it splits only problems large enough
 * to gain), XNNPACK only when some run trains with a batch of at least {@link XNNPACK_MIN_BATCH}.
 */
export function threadPlan(threads: number, configs: readonly unknown[]): { threads: number; wasmThreads: number } {
  const batch = Math.max(0, ...configs.map(largestBatch))
  return { threads, wasmThreads: batch >= XNNPACK_MIN_BATCH ? threads : 1 }
}
