import { ClError, InvalidConfigError } from '@cl/core'

/**
 * A batch size N whose estimated peak memory does not fit the step budget (the wasm heap is at most 4 GiB, and running
 * past it aborts the whole process with "memory access out of bounds", which cannot be caught). Refused up front.
 */
export class MemoryEstimateError extends InvalidConfigError {
  readonly workload: string
  readonly n: number
  readonly estimateBytes: number
  readonly budgetBytes: number
  /** The largest N of this workload that fits (0 if none). */
  readonly maxN: number
  constructor(workload: string, n: number, estimateBytes: number, budgetBytes: number, maxN: number) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`
    super('n', `at most ${maxN} for ${workload} (N = ${n} needs about ${gib(estimateBytes)}, the budget is ${gib(budgetBytes)} of the 4 GiB wasm heap)`, n)
    this.name = 'MemoryEstimateError'
    this.workload = workload
    this.n = n
    this.estimateBytes = estimateBytes
    this.budgetBytes = budgetBytes
    this.maxN = maxN
  }
}

/** A backend the bench cannot use here; `reason` says why in one line. */
export class BenchBackendError extends ClError {
  readonly backend: string
  readonly reason: string
  constructor(backend: string, reason: string, options?: { cause?: unknown }) {
    super('CL_BACKEND_UNAVAILABLE', `backend '${backend}' is unavailable: ${reason}`, options)
    this.name = 'BenchBackendError'
    this.backend = backend
    this.reason = reason
  }
}
