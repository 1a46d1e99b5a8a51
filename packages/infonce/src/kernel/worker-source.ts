/**
 * Source of a pool worker (evaluated with `new Worker(src, { eval: true })`, so that no separate file has to ship
 * or be resolved by bundlers). It owns one instance of the kernel; per job it copies its block of rows and all
 * candidates from the job's SharedArrayBuffer into its own wasm memory, runs the C kernel, writes its lse / da rows
 * and its partial db / dw into the buffer, then publishes `seq` in the control word (Atomics.store + notify).
 * Mirrors LseInstance.forward / backward (instance.ts); the 1-vs-n-threads test checks they agree.
 */
export const WORKER_SOURCE = `'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const X = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), {}).exports
parentPort.on('message', (j) => {
  const ctrl = new Int32Array(j.ctrl)
  let status = 0
  try {
    const f = new Float32Array(j.data)
    const n = j.r1 - j.r0, d = j.d, m = j.m
    if (n > 0) {
      if (X.cl_workspace(n, m, d) !== 0) throw new Error('wasm memory')
      let h = new Float32Array(X.memory.buffer)
      h.set(f.subarray(j.offA + j.r0 * d, j.offA + j.r1 * d), X.cl_ptr_a() >>> 2)
      h.set(f.subarray(j.offB, j.offB + m * d), X.cl_ptr_b() >>> 2)
      h.set(f.subarray(j.offW, j.offW + d), X.cl_ptr_w() >>> 2)
      if (j.kind === 0) {
        X.cl_forward(n, m, d, j.form, j.p, j.exclude, j.rowOffset + j.r0)
        h = new Float32Array(X.memory.buffer)
        const at = X.cl_ptr_lse() >>> 2
        f.set(h.subarray(at, at + n), j.offLse + j.r0)
      } else {
        h.set(f.subarray(j.offLse + j.r0, j.offLse + j.r1), X.cl_ptr_lse() >>> 2)
        h.set(f.subarray(j.offDy + j.r0, j.offDy + j.r1), X.cl_ptr_dy() >>> 2)
        X.cl_backward(n, m, d, j.form, j.p, j.exclude, j.rowOffset + j.r0)
        h = new Float32Array(X.memory.buffer)
        const da = X.cl_ptr_da() >>> 2, db = X.cl_ptr_db() >>> 2, dw = X.cl_ptr_dw() >>> 2
        f.set(h.subarray(da, da + n * d), j.offDa + j.r0 * d)
        f.set(h.subarray(db, db + m * d), j.offDb)
        f.set(h.subarray(dw, dw + d), j.offDw)
      }
    } else if (j.kind === 1) {
      f.fill(0, j.offDb, j.offDb + m * d)
      f.fill(0, j.offDw, j.offDw + d)
    }
  } catch (e) {
    status = 1
  }
  Atomics.store(ctrl, 2 * j.slot + 1, status)
  Atomics.store(ctrl, 2 * j.slot, j.seq)
  Atomics.notify(ctrl, 2 * j.slot)
})
`
