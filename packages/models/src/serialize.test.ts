import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, NonFiniteError, ShapeMismatchError, countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createMlpEncoder } from './mlp-encoder.js'
import type { SerializedWeights } from './serialize.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

const options = { inputDim: 4, hiddenWidths: [32, 16], outputNormalization: 'learnableBox' } as const

describe('weights checkpoint format { name → { shape, values } }', () => {
  it('getWeights is keyed by local names with shapes; kernels are [in, out]', () => {
    const f = createMlpEncoder({ ...options, seed: 1 })
    const w = f.getWeights()
    expect(Object.keys(w)).toEqual([
      'dense_0/kernel', 'dense_0/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias', 'output_norm/bound',
    ])
    expect(w['dense_0/kernel']!.shape).toEqual([4, 32])
    expect(w['dense_1/kernel']!.values).toHaveLength(32 * 16)
    f.dispose()
  })

  it('JSON round trip into a fresh model with a different seed gives bit-identical weights and outputs', () => {
    const a = createMlpEncoder({ ...options, seed: 1 })
    const b = createMlpEncoder({ ...options, seed: 2 })
    const x = tf.tensor2d(Float32Array.from(createRng(3).normalArray(40)), [10, 4])
    const ya = a.apply(x)
    const yb0 = b.apply(x)
    expect(Array.from(yb0.dataSync())).not.toEqual(Array.from(ya.dataSync()))
    const json = JSON.stringify(a.getWeights())
    b.setWeights(JSON.parse(json) as SerializedWeights)
    expect(b.getWeights()).toEqual(a.getWeights())
    const yb = b.apply(x)
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()))
    tf.dispose([x, ya, yb0, yb])
    a.dispose()
    b.dispose()
  })

  it('accepts Float32Array values and leaks nothing', () => {
    const a = createMlpEncoder({ ...options, seed: 1 })
    const b = createMlpEncoder({ ...options, seed: 2 })
    const w = a.getWeights()
    const f32 = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, { shape: v.shape, values: Float32Array.from(v.values) }]))
    expect(countLeakedTensors(() => b.setWeights(f32))).toBe(0)
    expect(b.getWeights()).toEqual(w)
    a.dispose()
    b.dispose()
  })

  it('a wrong shape throws ShapeMismatchError naming the variable, and nothing is assigned', () => {
    const f = createMlpEncoder({ ...options, seed: 1 })
    const original = f.getWeights()
    const other = createMlpEncoder({ ...options, seed: 9 })
    const w = other.getWeights()
    other.dispose()
    const bad = { ...w, 'dense_1/kernel': { shape: [16, 32], values: w['dense_1/kernel']!.values } }
    try {
      f.setWeights(bad)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeMismatchError)
      expect((e as ShapeMismatchError).field).toBe('dense_1/kernel')
      expect((e as ShapeMismatchError).message).toBe('dense_1/kernel: expected shape [32, 16], received [16, 32]')
    }
    expect(f.getWeights()).toEqual(original) // validated before any assignment (dense_0 untouched)
    f.dispose()
  })

  it('rejects missing, unknown, wrongly sized and non-finite entries with typed errors', () => {
    const f = createMlpEncoder({ ...options, seed: 1 })
    const w = f.getWeights()
    const { ['output_norm/bound']: _dropped, ...missing } = w
    expect(() => f.setWeights(missing)).toThrow(InvalidConfigError)
    expect(() => f.setWeights({ ...w, 'dense_9/kernel': { shape: [1], values: [0] } })).toThrow(/weights\.dense_9\/kernel/)
    expect(() => f.setWeights({ ...w, 'dense_0/bias': { shape: [32], values: [1, 2] } })).toThrow(ShapeMismatchError)
    const nan = [...w['dense_0/bias']!.values]
    nan[3] = Number.NaN
    expect(() => f.setWeights({ ...w, 'dense_0/bias': { shape: [32], values: nan } })).toThrow(NonFiniteError)
    expect(f.getWeights()).toEqual(w)
    f.dispose()
  })
})
