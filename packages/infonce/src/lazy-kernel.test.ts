import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { countLeakedTensors } from '@cl/core'
import { afterAll, describe, expect, it } from 'vitest'
import { setPairwiseLseForceTiled } from './kernel/auto-register.js'
import { hasPairwiseLseKernel, pairwiseLseImplementation, pairwiseLseKernelUnavailableReason } from './kernel/index.js'
import { lpInfoNce } from './lp-infonce.js'
import { randomMat } from './test-oracles.js'

/**
 * A fresh import (this file registers nothing by hand): the first `pairwiseLogSumExp` on 'cpu' or 'wasm' registers the
 * wasm-SIMD kernels; the tiled path stays reachable (internal switch) and agrees.
 */

afterAll(async () => {
  setPairwiseLseForceTiled(false)
  await tf.setBackend('cpu')
})

function lossAndGrad(): number[] {
  const f = tf.tensor2d(randomMat(3, 19, 4))
  const fp = tf.tensor2d(randomMat(4, 19, 4))
  const terms = (x: tf.Tensor, y: tf.Tensor) => lpInfoNce(x as tf.Tensor2D, y as tf.Tensor2D, { p: 1.5, tau: 0.5, negatives: 'batch-excluding-self' })
  const value = terms(f, fp)
  const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => terms(x, y).total)([f, fp])
  const out = [value.total.dataSync()[0]!, ...Array.from(grads[0]!.dataSync())]
  tf.dispose([f, fp, value, ...grads])
  return out
}

describe.each(['cpu', 'wasm'] as const)('default dispatch on %s', (backend) => {
  it('the first loss call registers the kernels, without any explicit call; the forced tiled path agrees', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    if (backend === 'cpu') expect(hasPairwiseLseKernel('cpu')).toBe(false) // the first block: nothing registered yet
    const viaKernel = lossAndGrad()
    expect(hasPairwiseLseKernel(backend)).toBe(true)
    expect(pairwiseLseImplementation()).toBe('kernel')
    expect(pairwiseLseKernelUnavailableReason()).toBeUndefined()

    setPairwiseLseForceTiled(true)
    expect(pairwiseLseImplementation()).toBe('tiled')
    const tiled = lossAndGrad()
    setPairwiseLseForceTiled(false)
    const scale = Math.max(...tiled.map(Math.abs))
    viaKernel.forEach((v, i) => expect(Math.abs(v - tiled[i]!), `entry ${i}`).toBeLessThanOrEqual(1e-5 * scale))
    expect(countLeakedTensors(() => lossAndGrad())).toBe(0)
  })
})

describe('other backends', () => {
  it("report 'tiled' and get nothing registered", () => {
    expect(pairwiseLseImplementation('webgl')).toBe('tiled')
    expect(hasPairwiseLseKernel('webgl')).toBe(false)
  })
})
