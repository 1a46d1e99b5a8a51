import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError, countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLinearEncoder } from './linear-encoder.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

/** A non-symmetric d_out × d_in matrix W (rows = outputs), float32-representable. */
function randomMatrix(rows: number, cols: number, seed: number): number[][] {
  const rng = createRng(seed)
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.fround(rng.uniformRange(-2, 2))))
}

describe('linear encoder (paper §4.1 linear experiment, d = 8, no bias)', () => {
  it('has a single d×d kernel and no bias', () => {
    const f = createLinearEncoder({ inputDim: 8, seed: 1 })
    expect([...f.namedVariables.keys()]).toEqual(['dense_0/kernel'])
    expect(f.trainableVariables).toHaveLength(1)
    expect(f.layers[0]!.bias).toBeNull()
    expect(f.tapNames).toEqual(['output'])
    expect(f.tapWidths).toEqual([8])
    const zero = tf.zeros([3, 8]) as tf.Tensor2D
    const out = f.apply(zero)
    expect(Array.from(out.dataSync())).toEqual(new Array(24).fill(0)) // no bias: f(0) = 0
    tf.dispose([zero, out])
    f.dispose()
  })

  it('computes f(X) = X·Wᵀ with W = weightMatrix() in PyTorch [out, in] convention (checked in float64)', () => {
    const dIn = 5
    const dOut = 3
    const f = createLinearEncoder({ inputDim: dIn, outputDim: dOut, seed: 2 })
    const w = randomMatrix(dOut, dIn, 3)
    f.setWeightMatrix(w)
    expect(f.weightMatrix()).toEqual(w)
    // storage: the kernel variable is K = Wᵀ, [in, out]
    const k = f.getWeights()['dense_0/kernel']!
    expect(k.shape).toEqual([dIn, dOut])
    for (let i = 0; i < dIn; i++) for (let o = 0; o < dOut; o++) expect(k.values[i * dOut + o]).toBe(w[o]![i])
    const rng = createRng(4)
    const batch = 6
    const xs = Array.from({ length: batch }, () => Array.from({ length: dIn }, () => Math.fround(rng.normal())))
    const x = tf.tensor2d(xs)
    const y = f.apply(x).arraySync()
    for (let n = 0; n < batch; n++) {
      for (let o = 0; o < dOut; o++) {
        let s = 0
        for (let i = 0; i < dIn; i++) s += w[o]![i]! * xs[n]![i]!
        expect(Math.abs(y[n]![o]! - s)).toBeLessThan(1e-5 * (1 + Math.abs(s)))
      }
    }
    x.dispose()
    f.dispose()
  })

  it('the initial W is PyTorch-initialised U(±1/√d) and weightMatrix() is its transpose of the kernel', () => {
    const f = createLinearEncoder({ inputDim: 8, seed: 7 })
    const w = f.weightMatrix()
    expect(w).toHaveLength(8)
    const a = Math.fround(1 / Math.sqrt(8))
    for (const row of w) for (const v of row) expect(Math.abs(v)).toBeLessThanOrEqual(a)
    const k = f.getWeights()['dense_0/kernel']!.values
    expect(w[2]![5]).toBe(k[5 * 8 + 2])
    expect(w[2]![5]).not.toBe(w[5]![2])
    f.dispose()
  })

  it('setWeightMatrix validates the shape and leaks nothing', () => {
    const f = createLinearEncoder({ inputDim: 3, outputDim: 2, seed: 1 })
    expect(() => f.setWeightMatrix(randomMatrix(3, 2, 1))).toThrow(ShapeMismatchError)
    expect(() => f.setWeightMatrix(randomMatrix(3, 2, 1))).toThrow(/weightMatrix: expected shape \[2, 3\], received \[3, 2\]/)
    expect(countLeakedTensors(() => f.setWeightMatrix(randomMatrix(2, 3, 1)))).toBe(0)
    f.dispose()
  })

  it('rejects MLP-only options', () => {
    expect(() => createLinearEncoder({ inputDim: 3, seed: 1, hiddenWidths: [4] } as never)).toThrow(InvalidConfigError)
  })

  it('supports an output normalisation (taps: output, normalized)', () => {
    const f = createLinearEncoder({ inputDim: 4, seed: 1, outputNormalization: 'fixedSphere' })
    expect(f.tapNames).toEqual(['output', 'normalized'])
    const x = tf.tensor2d([[1, 2, 3, 4]])
    const y = f.apply(x).dataSync()
    expect(Math.hypot(...Array.from(y))).toBeCloseTo(1, 6)
    x.dispose()
    f.dispose()
  })
})
