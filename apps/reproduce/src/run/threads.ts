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
