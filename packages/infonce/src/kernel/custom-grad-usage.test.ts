import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { negPairwiseLpDistance } from '../distance.js'
import { logSumExp } from '../logsumexp.js'
import { PAIRWISE_LSE_BACKWARD, PAIRWISE_LSE_FORWARD } from '../pairwise-lse-kernel.js'
import { registerPairwiseLseKernels } from './index.js'
import { maxRelError } from './test-oracle.js'

/**
 * How a tf.customGrad wrapper drives the two kernels (the shape the tiled helper uses): forward kernel in the
 * forward, backward kernel in gradFunc with the saved inputs and lse; leak-free inside tf.grads and optimizer steps.
 */
function kernelLse(attrs: { form: 'lp' | 'dot'; p: number; excludeSelf: boolean; rowOffset: number }) {
  const kAttrs = attrs as unknown as tf.NamedAttrMap
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, w] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]
    const save = args[3] as tf.GradSaveFunc
    const lse = tf.engine().runKernel(PAIRWISE_LSE_FORWARD, { a, b, w }, kAttrs) as tf.Tensor1D
    save([a, b, w, lse])
    return {
      value: lse,
      gradFunc: (dy, saved) => {
        const [sa, sb, sw, slse] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]
        return tf.engine().runKernel(PAIRWISE_LSE_BACKWARD, { a: sa, b: sb, w: sw, lse: slse, dy: dy as tf.Tensor }, kAttrs) as tf.Tensor[]
      },
    }
  })
}

describe.each(['wasm', 'cpu'] as const)('kernels inside tf.customGrad on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    registerPairwiseLseKernels()
  })
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('matches the stock gradient and leaks nothing across optimizer steps', () => {
    const [n, d] = [48, 10]
    const rng = createRng(11)
    const a = tf.variable(tf.tensor2d(Float32Array.from(rng.normalArray(n * d)), [n, d]))
    const b = tf.tensor2d(Float32Array.from(rng.normalArray(n * d)), [n, d])
    const w = tf.fill([d], 2) as tf.Tensor1D
    const f = kernelLse({ form: 'lp', p: 2, excludeSelf: true, rowOffset: 0 })
    const mask = tf.mul(tf.eye(n), -1e9)
    const stockLoss = () => tf.mean(logSumExp(tf.add(negPairwiseLpDistance(a, b, w, 2), mask)))
    const kernelLoss = () => tf.mean(f(a, b, w))
    const gk = tf.variableGrads(kernelLoss as () => tf.Scalar)
    const gs = tf.variableGrads(stockLoss as () => tf.Scalar)
    expect(Math.abs(gk.value.dataSync()[0]! - gs.value.dataSync()[0]!)).toBeLessThan(1e-5 * Math.abs(gs.value.dataSync()[0]!))
    expect(maxRelError(gk.grads[a.name]!.dataSync(), gs.grads[a.name]!.dataSync())).toBeLessThan(1e-4)
    tf.dispose([gk.value, gs.value, ...Object.values(gk.grads), ...Object.values(gs.grads)])

    const opt = tf.train.adam(0.01)
    opt.minimize(kernelLoss as () => tf.Scalar) // warm-up: creates the optimizer slots
    const before = tf.memory().numTensors
    for (let s = 0; s < 3; s++) opt.minimize(kernelLoss as () => tf.Scalar)
    expect(tf.memory().numTensors).toBe(before)
    opt.dispose()
    tf.dispose([a, b, w, mask])
  })
})
