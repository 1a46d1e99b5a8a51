import { InvalidConfigError } from '@cl/core'
import { nodeEnv, nodeOs, nodeWorkerThreads } from './node-runtime.js'

/**
 * Thread count of the fused pairwise log-sum-exp kernel (Node only: tfjs-wasm runs single-threaded under Node, the
 * second core is reachable only through our own worker_threads). Results are deterministic for a given thread count.
 */

/** Largest accepted thread count. */
export const MAX_PAIRWISE_LSE_THREADS = 64
/** Default upper bound when neither setPairwiseLseThreads nor CL_THREADS says otherwise. */
export const DEFAULT_MAX_PAIRWISE_LSE_THREADS = 8

let override: number | undefined
let minPoolWork = 1 << 22

function checkThreads(field: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_PAIRWISE_LSE_THREADS) {
    throw new InvalidConfigError(field, `an integer in [1, ${MAX_PAIRWISE_LSE_THREADS}]`, value)
  }
  return n
}

/**
 * Use `n` threads (the calling thread plus n − 1 workers) for the kernel; `undefined` restores the default
 * (env `CL_THREADS`, else min(os.availableParallelism(), 8)). Outside Node the kernel always runs on one thread.
 */
export function setPairwiseLseThreads(n: number | undefined): void {
  override = n === undefined ? undefined : checkThreads('threads', n)
}

/** The thread count the kernel will use for a large enough problem. */
export function getPairwiseLseThreads(): number {
  if (nodeWorkerThreads() === undefined) return 1
  if (override !== undefined) return override
  const env = nodeEnv('CL_THREADS')
  if (env !== undefined && env !== '') return checkThreads('CL_THREADS', env)
  const os = nodeOs()
  const cores = os === undefined ? 1 : typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, Math.min(cores, DEFAULT_MAX_PAIRWISE_LSE_THREADS))
}

/**
 * Problems with n·m·d below this run on the calling thread only (the hand-off costs more than it saves). Internal:
 * tests lower it to exercise the pool on small inputs.
 */
export function setPairwiseLsePoolMinWork(work: number): void {
  if (!Number.isFinite(work) || work < 0) throw new InvalidConfigError('poolMinWork', 'a finite number ≥ 0', work)
  minPoolWork = work
}

/** Threads for a problem of n anchors, m candidates and d dimensions. */
export function threadsFor(n: number, m: number, d: number): number {
  if (n * m * Math.max(d, 1) < minPoolWork) return 1
  return Math.min(getPairwiseLseThreads(), Math.max(1, Math.ceil(n / 4)))
}
