import { describe, expect, it } from 'vitest'
import { createDgp } from '@cl/dgp'
import { paperGenerator } from './synthetic.js'

describe('paperGenerator', () => {
  it.each([
    [{ kind: 'linear' as const, thresholdDraws: 200 }, 8],
    [{ kind: 'mlp' as const, layers: 3, thresholdDraws: 200 }, 10],
  ])('draws exactly the generator createDgp builds with generator.seed = seed, once per (spec, d, seed): %j', (spec, dims) => {
    const reference = createDgp({ dims, generator: { ...spec, seed: 7 }, seed: 7 }).generator as unknown as { layers: { weight: number[][] }[] }
    const cached = paperGenerator(spec, dims, 7) as unknown as { layers: { weight: number[][] }[] }
    expect(cached.layers.map((l) => l.weight)).toEqual(reference.layers.map((l) => l.weight))
    expect(paperGenerator(spec, dims, 7)).toBe(cached)
    expect(paperGenerator(spec, dims, 8)).not.toBe(cached)
  })
})

describe('applyBothViews', () => {
  it('one pass over the stacked views gives f(x) and f(x̃) of two passes, leak-free; encoders with batch statistics get two passes', async () => {
    const tf = await import('@tensorflow/tfjs')
    const { createMlpEncoder } = await import('@cl/models')
    const { applyBothViews } = await import('./synthetic.js')
    expect(await tf.setBackend('cpu')).toBe(true)
    const f = createMlpEncoder({ inputDim: 5, hiddenWidths: [9, 7], seed: 1 })
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 1) as import('@tensorflow/tfjs').Tensor2D
    const xp = tf.randomNormal([6, 5], 0, 1, 'float32', 2) as import('@tensorflow/tfjs').Tensor2D
    const before = tf.memory().numTensors
    const [a, b] = applyBothViews(f, x, xp)
    expect(tf.memory().numTensors).toBe(before + 2)
    const [ra, rb] = [f.apply(x), f.apply(xp)]
    expect(a.shape).toEqual([6, 5])
    expect(Array.from(a.dataSync())).toEqual(Array.from(ra.dataSync()))
    expect(Array.from(b.dataSync())).toEqual(Array.from(rb.dataSync()))
    tf.dispose([a, b, ra, rb])
    const calls: number[] = []
    const batchStats = { ...f, setTraining: () => {}, apply: (t: import('@tensorflow/tfjs').Tensor2D) => (calls.push(t.shape[0]), f.apply(t)) }
    tf.dispose(applyBothViews(batchStats, x, xp))
    expect(calls).toEqual([6, 6])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, xp])
    f.dispose()
  })
})
