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
 * How a process uses its `threads`: all of them for XNNPACK (wasm) and for the fused InfoNCE kernel (which splits only
 * problems large enough to gain). Measured with `pnpm bench --threads 1,2` on a 2-core machine (2026-12-01), 2 threads
 * against 1: the quick MLP step (N = 256, both views in one pass) 1.23×, the 500-wide MLP at N = 2048 1.37×, loss-only
 * and linear at N = 6144 1.54× and 1.69×.
 */
export function threadPlan(threads: number): { threads: number; wasmThreads: number } {
  return { threads, wasmThreads: threads }
}
