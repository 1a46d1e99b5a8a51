import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { afterAll, describe, expect, it } from 'vitest'
import { negPairwiseLpDistance } from '../distance.js'
import { logSumExp } from '../logsumexp.js'
import { PAIRWISE_LSE_BACKWARD, PAIRWISE_LSE_FORWARD } from '../pairwise-lse-kernel.js'
import { disposePairwiseLsePool, registerPairwiseLseKernels, setPairwiseLseThreads } from './index.js'

/**
 * Indicative timings (not a test: nothing is asserted about speed). Run with
 *   CL_BENCH_KERNEL=2048,6144,16384 [CL_BENCH_STOCK=2048] pnpm vitest run packages/infonce/src/kernel/pairwise-lse.bench.test.ts
 * Forward + backward of the 'lp' p = 2 batch form with excludeSelf, d = 10, on the wasm backend: the kernel with 1 and
 * 2 threads, and the stock formulation (negPairwiseLpDistance + logSumExp, tf.grads) for the sizes in CL_BENCH_STOCK.
 */
const sizes = (process.env.CL_BENCH_KERNEL ?? '').split(',').filter(Boolean).map(Number)
const stockSizes = new Set((process.env.CL_BENCH_STOCK ?? '').split(',').filter(Boolean).map(Number))
const D = 10
const REPS = Number(process.env.CL_BENCH_REPS ?? 5)

afterAll(() => disposePairwiseLsePool())

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Median wall-clock ms and median process CPU ms (all threads) of `reps` runs after a warm-up. */
function time(f: () => void, reps: number): string {
  f() // warm-up (compiles, grows heaps, starts workers)
  const wall: number[] = []
  const cpu: number[] = []
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    f()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1e3)
  }
  return `${median(wall).toFixed(1)} ms (cpu ${median(cpu).toFixed(1)} ms)`
}

describe.skipIf(sizes.length === 0)('pairwise log-sum-exp timings (wasm backend, d = 10)', () => {
  it('prints forward + backward times', async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
    registerPairwiseLseKernels()
    const rows: string[] = []
    for (const n of sizes) {
      const rng = createRng(n)
      const a = tf.tensor2d(Float32Array.from(rng.normalArray(n * D)), [n, D])
      const b = tf.tensor2d(Float32Array.from(rng.normalArray(n * D)), [n, D])
      const w = tf.fill([D], 2)
      const dy = tf.fill([n], 1 / n)
      const attrs = { form: 'lp', p: 2, excludeSelf: true, rowOffset: 0 } as unknown as tf.NamedAttrMap
      const kernel = () =>
        tf.tidy(() => {
          const lse = tf.engine().runKernel(PAIRWISE_LSE_FORWARD, { a, b, w }, attrs) as tf.Tensor
          const grads = tf.engine().runKernel(PAIRWISE_LSE_BACKWARD, { a, b, w, lse, dy }, attrs) as tf.Tensor[]
          grads[0]!.dataSync()
        })
      const kernelFwd = () => tf.tidy(() => void (tf.engine().runKernel(PAIRWISE_LSE_FORWARD, { a, b, w }, attrs) as tf.Tensor).dataSync())
      for (const threads of [1, 2]) {
        setPairwiseLseThreads(threads)
        rows.push(`N=${n} kernel ${threads} thread(s): forward ${time(kernelFwd, REPS)}, forward+backward ${time(kernel, REPS)}`)
      }
      setPairwiseLseThreads(undefined)
      if (stockSizes.has(n)) {
        const stock = () =>
          tf.tidy(() => {
            const mask = tf.mul(tf.eye(n), -1e9)
            const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(logSumExp(tf.add(negPairwiseLpDistance(x as tf.Tensor2D, y as tf.Tensor2D, w, 2), mask)), dy))
            const g = tf.grads(f)([a, b])
            g[0]!.dataSync()
          })
        rows.push(`N=${n} stock (untiled tf ops) forward+backward ${time(stock, Math.min(REPS, 3))}`)
      }
      tf.dispose([a, b, w, dy])
    }
    console.log(rows.join('\n'))
  }, 600_000)
})
