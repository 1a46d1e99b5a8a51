import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createHyperbox } from './hyperbox.js'
import { createLinearGenerator, linearGeneratorFromMatrix } from './linear-generator.js'
import { matVecRows64 } from './test-oracles.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

describe('linear generator (paper linear DGP, d = 8)', () => {
  const d = 8
  const g = createLinearGenerator({ dims: d, thresholdDraws: 500, seed: 8 })
  const n = 256
  const z = createHyperbox(d).sampleMarginal(createRng(2), n)

  it('is one column-normalised matrix with cond ≤ threshold', () => {
    expect(g.kind).toBe('linear')
    expect(g.layers).toHaveLength(1)
    expect(g.conditionNumbers[0]).toBeLessThanOrEqual(g.conditionThreshold as number)
    for (let j = 0; j < d; j++) expect(g.weights.reduce((s, row) => s + (row[j] as number) ** 2, 0)).toBeCloseTo(1, 12)
  })

  it('is exactly x = W·z: tfjs and float64 paths agree with a float64 matmul', () => {
    const want = matVecRows64(g.weights, z, n)
    const x64 = g.forwardArray(z, n)
    expect(Math.max(...x64.map((v, i) => Math.abs(v - (want[i] as number))))).toBeLessThan(1e-12)
    const zt = tf.tensor2d(Float32Array.from(z), [n, d])
    const x = g.forward(zt)
    const want32 = matVecRows64(g.weights, zt.dataSync(), n)
    expect(Math.max(...Array.from(x.dataSync(), (v, i) => Math.abs(v - (want32[i] as number))))).toBeLessThan(1e-5)
    const back = g.inverse(x)
    const z32 = zt.dataSync()
    expect(Math.max(...Array.from(back.dataSync(), (v, i) => Math.abs(v - (z32[i] as number))))).toBeLessThan(1e-4)
    expect(countLeakedTensors(() => g.forward(zt))).toBe(0)
    expect(countLeakedTensors(() => g.inverse(zt))).toBe(0)
    tf.dispose([zt, x, back])
  })

  it('`weights` is the PyTorch weight (x = W·z), not the tfjs kernel (x = z·K)', () => {
    const lin = linearGeneratorFromMatrix([[1, 2], [0, 1]])
    const x = lin.forward(tf.tensor2d([[1, 1]]))
    expect(Array.from(x.dataSync())).toEqual([3, 1]) // z·W would give [1, 3]
    const back = lin.inverse(x)
    expect(Array.from(back.dataSync())).toEqual([1, 1])
    tf.dispose([x, back])
    expect(lin.inverseWeights).toEqual([[1, -2], [0, 1]].map((r) => r.map((v) => expect.closeTo(v, 12))))
  })
})
