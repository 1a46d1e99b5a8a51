import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { afterAll, describe, expect, it } from 'vitest'
import { createAdam, type AdamImplementation } from './adam.js'

afterAll(async () => {
  await tf.setBackend('cpu')
})

/** Run 6 Adam steps with the given implementation on fixed gradients spanning many magnitudes; return every state. */
async function run(implementation: AdamImplementation, hyper: { learningRate: number; beta1?: number; beta2?: number; epsilon?: number }) {
  const rng = createRng(11)
  const shapes = [[7, 5], [5], [3, 2, 2], []] as const
  const vars = new Map(shapes.map((s, i) => [`w${i}`, tf.variable(tf.tensor(Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()), [...s]), true)]))
  const adam = createAdam(vars, hyper, implementation)
  const before = tf.memory().numTensors
  for (let step = 0; step < 6; step++) {
    const grads = new Map([...vars].map(([name, w]) => [name, tf.tensor(Array.from({ length: w.size }, () => rng.normal() * 10 ** Math.floor(rng.uniform() * 12 - 8)), w.shape)]))
    adam.apply(grads)
    tf.dispose([...grads.values()])
    expect(tf.memory().numTensors).toBe(before)
  }
  const weights = [...vars].map(([name, w]) => [name, Array.from(w.dataSync())] as const)
  const state = await adam.getState()
  adam.dispose()
  tf.dispose([...vars.values()])
  return { weights, state }
}

describe("Adam's loop implementation", () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`is bit-identical to the tfjs-ops implementation on ${backend} (weights, t, m, v), leak-free`, async () => {
      expect(await tf.setBackend(backend)).toBe(true)
      for (const hyper of [{ learningRate: 3e-3 }, { learningRate: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-6 }]) {
        const ops = await run('ops', hyper)
        const loop = await run('loop', hyper)
        expect(loop).toEqual(ops)
        const auto = await run('auto', hyper)
        expect(auto).toEqual(ops)
      }
    })
  }
})
