import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { applyToViews } from './apply-views.js'
import { createMlpEncoder } from './mlp-encoder.js'

describe('applyToViews', () => {
  it('one pass over the stacked views gives f(x) and f(x̃) of two passes, leak-free; encoders with batch statistics get two passes', async () => {
    expect(await tf.setBackend('cpu')).toBe(true)
    const f = createMlpEncoder({ inputDim: 5, hiddenWidths: [9, 7], seed: 1 })
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 1) as tf.Tensor2D
    const xp = tf.randomNormal([4, 5], 0, 1, 'float32', 2) as tf.Tensor2D
    const before = tf.memory().numTensors
    const [a, b] = applyToViews(f, x, xp)
    expect(tf.memory().numTensors).toBe(before + 2)
    const [ra, rb] = [f.apply(x), f.apply(xp)]
    expect(a.shape).toEqual([6, 5])
    expect(b.shape).toEqual([4, 5])
    expect(Array.from(a.dataSync())).toEqual(Array.from(ra.dataSync()))
    expect(Array.from(b.dataSync())).toEqual(Array.from(rb.dataSync()))
    tf.dispose([a, b, ra, rb])
    const calls: number[] = []
    const batchStats = { ...f, setTraining: () => {}, apply: (t: tf.Tensor2D) => (calls.push(t.shape[0]), f.apply(t)) }
    tf.dispose(applyToViews(batchStats, x, xp))
    expect(calls).toEqual([6, 4])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, xp])
    f.dispose()
  })
})
