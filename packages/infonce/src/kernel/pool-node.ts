import type { Worker as NodeWorker } from 'node:worker_threads'
import { PairwiseLseKernelError } from './errors.js'
import { mainLseInstance, type LseCotangent, type LseProblem } from './instance.js'
import { nodeWorkerThreads } from './node-runtime.js'
import { kernelWasmBytes } from './wasm-module.js'
import { WORKER_SOURCE } from './worker-source.js'

/**
 * Node worker_threads pool of the fused pairwise log-sum-exp. A call with T threads splits the anchor rows into T
 * fixed blocks (multiples of 4 rows, `rowBounds`); the calling thread computes block 0 in its own instance while
 * workers 1..T−1 compute theirs from a SharedArrayBuffer, then it waits (Atomics.wait, allowed on Node's main
 * thread: tfjs kernels are synchronous) and sums the partial db / dw in block order. Fixed partition + fixed order =
 * bit-reproducible results for a given thread count. Workers are unref()'d: they never keep a process alive.
 */

/** A worker that has not answered within this long is treated as dead. */
const WAIT_LIMIT_MS = 120_000

/** Row bounds of T blocks of n rows: multiples of 4 (the kernel's row block), as even as possible. */
export function rowBounds(n: number, threads: number): number[] {
  const blocks = Math.ceil(n / 4)
  return Array.from({ length: threads + 1 }, (_, t) => Math.min(n, 4 * Math.floor((t * blocks) / threads)))
}

interface Job {
  kind: 0 | 1
  seq: number
  slot: number
  ctrl: SharedArrayBuffer
  data: SharedArrayBuffer
  r0: number
  r1: number
  m: number
  d: number
  form: number
  p: number
  exclude: number
  rowOffset: number
  offA: number
  offB: number
  offW: number
  offLse: number
  offDy: number
  offDa: number
  offDb: number
  offDw: number
}

class LsePool {
  private readonly workers: NodeWorker[] = []
  private readonly ctrlBuffer: SharedArrayBuffer
  private readonly ctrl: Int32Array
  private data: SharedArrayBuffer | undefined
  private seq = 0
  broken = false

  constructor(readonly size: number) {
    const wt = nodeWorkerThreads()
    if (wt === undefined) throw new PairwiseLseKernelError('unavailable', 'worker_threads needs Node')
    this.ctrlBuffer = new SharedArrayBuffer(8 * size)
    this.ctrl = new Int32Array(this.ctrlBuffer)
    const bytes = kernelWasmBytes()
    for (let i = 0; i < size; i++) {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { bytes } })
      w.unref()
      w.on('error', () => {
        this.broken = true
      })
      w.on('exit', () => {
        this.broken = true
      })
      this.workers.push(w)
    }
  }

  private buffer(floats: number): SharedArrayBuffer {
    if (this.data === undefined || this.data.byteLength < floats * 4) this.data = new SharedArrayBuffer(floats * 4)
    return this.data
  }

  /** Run `jobs` (one per worker) and wait for all of them; `own` runs on the calling thread in between. */
  private run(jobs: Omit<Job, 'seq' | 'slot' | 'ctrl'>[], own: () => void): void {
    const seq = (this.seq = (this.seq + 1) | 0)
    jobs.forEach((job, slot) => {
      Atomics.store(this.ctrl, 2 * slot + 1, 0)
      this.workers[slot]!.postMessage({ ...job, seq, slot, ctrl: this.ctrlBuffer })
    })
    let ownError: unknown
    try {
      own()
    } catch (e) {
      ownError = e
    }
    const deadline = Date.now() + WAIT_LIMIT_MS
    for (let slot = 0; slot < jobs.length; slot++) {
      for (;;) {
        const now = Atomics.load(this.ctrl, 2 * slot)
        if (now === seq) break
        const left = deadline - Date.now()
        if (left <= 0) {
          this.broken = true
          throw new PairwiseLseKernelError('worker', `worker ${slot + 1} did not answer within ${WAIT_LIMIT_MS} ms`)
        }
        Atomics.wait(this.ctrl, 2 * slot, now, Math.min(left, 1000))
      }
      if (Atomics.load(this.ctrl, 2 * slot + 1) !== 0) {
        this.broken = true
        throw new PairwiseLseKernelError('worker', `worker ${slot + 1} failed (wasm memory or an invalid job)`)
      }
    }
    if (ownError !== undefined) throw ownError
  }

  private layout(pr: LseProblem, backward: boolean) {
    const { n, m, d } = pr
    const offA = 0
    const offB = offA + n * d
    const offW = offB + m * d
    const offLse = offW + d
    const offDy = offLse + n
    const offDa = offDy + n
    const offParts = offDa + (backward ? n * d : 0)
    const total = offParts + (backward ? this.size * (m * d + d) : 0)
    const data = this.buffer(total)
    const f = new Float32Array(data)
    f.set(pr.a.subarray(0, n * d), offA)
    f.set(pr.b.subarray(0, m * d), offB)
    f.set(pr.w.subarray(0, d), offW)
    return { data, f, offA, offB, offW, offLse, offDy, offDa, offParts }
  }

  private jobs(pr: LseProblem, bounds: number[], kind: 0 | 1, l: ReturnType<LsePool['layout']>) {
    const { m, d } = pr
    return bounds.slice(1, -1).map((r0, i) => ({
      kind,
      data: l.data,
      r0,
      r1: bounds[i + 2]!,
      m,
      d,
      form: pr.form,
      p: pr.p,
      exclude: pr.excludeSelf ? 1 : 0,
      rowOffset: pr.rowOffset,
      offA: l.offA,
      offB: l.offB,
      offW: l.offW,
      offLse: l.offLse,
      offDy: l.offDy,
      offDa: l.offDa,
      offDb: l.offParts + i * m * d,
      offDw: l.offParts + this.size * m * d + i * d,
    }))
  }

  forward(pr: LseProblem, bounds: number[], lseOut: Float32Array): void {
    const l = this.layout(pr, false)
    this.run(this.jobs(pr, bounds, 0, l), () => mainLseInstance().forward(pr, 0, bounds[1]!, lseOut))
    const r1 = bounds[1]!
    lseOut.set(l.f.subarray(l.offLse + r1, l.offLse + pr.n), r1)
  }

  backward(pr: LseProblem, ct: LseCotangent, bounds: number[], da: Float32Array, db: Float32Array, dw: Float32Array): void {
    const { n, m, d } = pr
    const l = this.layout(pr, true)
    l.f.set(ct.lse.subarray(0, n), l.offLse)
    l.f.set(ct.dy.subarray(0, n), l.offDy)
    const jobs = this.jobs(pr, bounds, 1, l)
    this.run(jobs, () => mainLseInstance().backward(pr, ct, 0, bounds[1]!, da, db, dw))
    const r1 = bounds[1]!
    da.set(l.f.subarray(l.offDa + r1 * d, l.offDa + n * d), r1 * d)
    for (const job of jobs) {
      for (let q = 0; q < m * d; q++) db[q]! += l.f[job.offDb + q]!
      for (let k = 0; k < d; k++) dw[k]! += l.f[job.offDw + k]!
    }
  }

  dispose(): void {
    for (const w of this.workers) void w.terminate()
    this.workers.length = 0
  }
}

let pool: LsePool | undefined

/** A pool with `workers` workers (re-created when the count changes or a worker failed); undefined outside Node. */
export function lsePool(workers: number): LsePool | undefined {
  if (nodeWorkerThreads() === undefined) return undefined
  if (pool !== undefined && (pool.broken || pool.size !== workers)) {
    pool.dispose()
    pool = undefined
  }
  pool ??= new LsePool(workers)
  return pool
}

/** Terminate the pool's workers (tests; the workers are unref()'d, so a process never has to call this). */
export function disposePairwiseLsePool(): void {
  pool?.dispose()
  pool = undefined
}
