import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { bench, describe } from 'vitest'
import { lpInfoNce } from './lp-infonce.js'
import { cosineInfoNce } from './cosine-infonce.js'

/**
 * Loss-only step (value + gradient w.r.t. f and f̃) of Lp-InfoNCE (p = 2, τ = 1, d = 10, 'batch') and of the cosine
 * form, fused (the default: the tiled stock-op path unless a kernel is registered) vs the untiled `'stock'`
 * formulation, on wasm. Issue 11's loss-only workloads are N = 2048 and N = 6144 (`bench/torch_reference.py`).
 * Run: `cd packages/infonce && npx vitest bench --run src/pairwise-lse.bench.ts`.
 * The stock path at N = 6144 allocates several 151 MB N×N buffers per step; wasm's heap is at most 4 GB.
 */
await tf.setBackend('wasm')
await tf.ready()

const d = 10

for (const n of [2048, 6144]) {
  const f = tf.randomUniform([n, d], 0, 1, 'float32', 1) as tf.Tensor2D
  const fp = tf.add(f, tf.randomNormal([n, d], 0, 0.05, 'float32', 2)) as tf.Tensor2D
  const step = (loss: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar) => () => {
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => loss(x as tf.Tensor2D, y as tf.Tensor2D))([f, fp])
    grads[0]!.dataSync()
    tf.dispose(grads)
  }
  const options = { iterations: n > 4096 ? 2 : 4, warmupIterations: 1, time: 0, warmupTime: 0 }
  describe(`loss-only step on wasm, N = ${n}, d = ${d}`, () => {
    for (const implementation of ['fused', 'stock'] as const) {
      bench(`lpInfoNce p = 2, ${implementation}`, step((x, y) => lpInfoNce(x, y, { implementation }).total), options)
      bench(`cosineInfoNce, ${implementation}`, step((x, y) => cosineInfoNce(x, y, { implementation }).total), options)
    }
  })
}
