import type { BenchBackend } from './backend.js'
import type { WorkloadName } from './workloads/workload.js'

/** What one row measures: a workload at batch size n on a backend with a thread count. */
export interface RowSpec {
  readonly backend: BenchBackend
  readonly workload: WorkloadName
  readonly n: number
  /** Requested worker count of the fused InfoNCE kernel (ignored when `@cl/infonce` has no setter). */
  readonly threads: number
  readonly runs: number
  readonly minSeconds: number
  readonly seed: number
  readonly thresholdDraws: number
}

/**
 * One measured row (`--json` prints one per line). The first seven fields are the row shape; the rest say how
 * it was measured.
 */
export interface BenchRow {
  readonly backend: BenchBackend
  readonly workload: WorkloadName
  readonly n: number
  /** Threads the step ran on: the fused kernel's worker count where it can be set, else 1. */
  readonly threads: number
  /** Median over the timed runs of steps / wall seconds. */
  readonly stepsPerSecMedian: number
  /** Peak resident set size of the process that ran the row (kernel high-water mark and per-step samples). */
  readonly peakRssBytes: number
  /** Peak `tf.memory().numBytes`: a profiled warm-up step's peak and per-step samples. */
  readonly peakTensorBytes: number
  /** Steps / second of each timed run. */
  readonly rates: readonly number[]
  readonly stepsPerRun: number
  /** Loss of the first (warm-up) and of the last timed step. */
  readonly lossFirst: number
  readonly lossLast: number
  /** Whether the InfoNCE ran through the fused pairwise log-sum-exp kernel. */
  readonly fusedLoss: boolean
}

/** A row that did not run: refused by the memory guard, or failed (the message says which). */
export interface SkippedRow {
  readonly backend: BenchBackend
  readonly workload: WorkloadName
  readonly n: number
  readonly threads: number
  readonly skipped: 'refused' | 'failed'
  readonly reason: string
}

/** The PyTorch reference's figures for one (workload, n): steps/s per thread count (undefined = that run failed). */
export interface TorchResult {
  readonly workload: WorkloadName
  readonly n: number
  readonly byThreads: ReadonlyMap<number, number>
  /** The best thread count's steps/s, the denominator of the ratio. */
  readonly best?: { readonly threads: number; readonly stepsPerSec: number }
  readonly version?: string
}
