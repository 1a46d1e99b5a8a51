import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { bench, describe } from 'vitest'
import { lpInfoNce } from './lp-infonce.js'
import { cosineInfoNce } from './cosine-infonce.js'
import { setPairwiseLseForceTiled } from './kernel/auto-register.js'

/**
 * Loss-only step (value + gradient w.r.t. f and f̃) of Lp-InfoNCE (p = 2, τ = 1, d = 10, 'batch') and of the cosine
 * form on wasm: fused with the prebuilt kernel (the default, registered on first use), fused without it
 * (the tiled stock-op path, as on WebGPU; forced with the internal `setPairwiseLseForceTiled`) and the untiled `'stock'` formulation. Issue 11's loss-only workloads are N = 2048 and N = 6144 (`bench/torch_reference.py`).
 * Run: `cd packages/infonce && npx vitest bench --run src/pairwise-lse.bench.ts`.
 * The stock path at N = 6144 allocates several 151 MB N×N buffers per step; wasm's heap is at most 4 GB.
 */
await tf.setBackend('wasm')
await tf.ready()

const d = 10

for (const n of [2048, 6144]) {
  const f = tf.randomUniform([n, d], 0, 1, 'float32', 1) as tf.Tensor2D
  const fp = tf.add(f, tf.randomNormal([n, d], 0, 0.05, 'float32', 2)) as tf.Tensor2D
  const step = (loss: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar, kernel: boolean) => () => {
    setPairwiseLseForceTiled(!kernel)
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => loss(x as tf.Tensor2D, y as tf.Tensor2D))([f, fp])
    grads[0]!.dataSync()
    tf.dispose(grads)
  }
  const options = { iterations: n > 4096 ? 2 : 4, warmupIterations: 1, time: 0, warmupTime: 0 }
  describe(`loss-only step on wasm, N = ${n}, d = ${d}`, () => {
    for (const [label, implementation, kernel] of [
      ['fused, kernel', 'fused', true],
      ['fused, tiled', 'fused', false],
      ['stock', 'stock', false],
    ] as const) {
      bench(`lpInfoNce p = 2, ${label}`, step((x, y) => lpInfoNce(x, y, { implementation }).total, kernel), options)
      bench(`cosineInfoNce, ${label}`, step((x, y) => cosineInfoNce(x, y, { implementation }).total, kernel), options)
    }
  })
}
