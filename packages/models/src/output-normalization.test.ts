import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLinearEncoder } from './linear-encoder.js'
import { createMlpEncoder } from './mlp-encoder.js'
import { BOX_BOUND_NAME, SPHERE_RADIUS_NAME } from './output-normalization.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

const batch = 32
function input(d: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(createRng(seed).normalArray(batch * d)), [batch, d])
}
function rowNorms(t: tf.Tensor2D): number[] {
  return t.arraySync().map((row) => Math.hypot(...row))
}

describe('output normalisations (cl-ica fixed_sphere, learnable_sphere, learnable_box)', () => {
  it('fixedSphere: unit norms; the `normalized` tap is output/‖output‖; a zero row stays 0 (no NaN)', () => {
    const f = createMlpEncoder({ inputDim: 4, hiddenWidths: [16], outputNormalization: 'fixedSphere', seed: 1 })
    expect(f.tapNames).toEqual(['hidden_1', 'output', 'normalized'])
    expect(f.namedVariables.size).toBe(4) // no parameter
    const x = input(4, 2)
    const taps = f.applyWithTaps(x)
    const out = taps[1]!.arraySync()
    const normed = taps[2]!.arraySync()
    for (const n of rowNorms(taps[2]!)) expect(n).toBeCloseTo(1, 6)
    for (let i = 0; i < batch; i++) {
      const norm = Math.hypot(...out[i]!)
      for (let k = 0; k < 4; k++) expect(normed[i]![k]).toBeCloseTo(out[i]![k]! / norm, 6)
    }
    tf.dispose([x, ...taps])
    f.dispose()
    const lin = createLinearEncoder({ inputDim: 3, seed: 1, outputNormalization: 'fixedSphere' })
    const z = tf.zeros([2, 3]) as tf.Tensor2D
    const y = lin.apply(z)
    expect(Array.from(y.dataSync())).toEqual([0, 0, 0, 0, 0, 0])
    tf.dispose([z, y])
    lin.dispose()
  })

  it('learnableSphere: norms equal r (init 1, then set to 2.5); r gets the closed-form gradient 2·N·r of Σ‖f‖²', () => {
    const f = createMlpEncoder({ inputDim: 4, hiddenWidths: [16], outputNormalization: 'learnableSphere', seed: 1 })
    const x = input(4, 3)
    const y1 = f.apply(x)
    for (const n of rowNorms(y1)) expect(n).toBeCloseTo(1, 6)
    const w = f.getWeights()
    expect(w[SPHERE_RADIUS_NAME]).toEqual({ shape: [1], values: [1] })
    f.setWeights({ ...w, [SPHERE_RADIUS_NAME]: { shape: [1], values: [2.5] } })
    const y2 = f.apply(x)
    for (const n of rowNorms(y2)) expect(n).toBeCloseTo(2.5, 5)
    const r = f.namedVariables.get(SPHERE_RADIUS_NAME)!
    expect(f.trainableVariables).toContain(r)
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(f.apply(x))) as tf.Scalar, f.trainableVariables)
    expect(value.dataSync()[0]).toBeCloseTo(batch * 2.5 ** 2, 3)
    expect(grads[r.name]!.dataSync()[0]).toBeCloseTo(2 * batch * 2.5, 3)
    tf.dispose([x, y1, y2, value, ...Object.values(grads)])
    f.dispose()
  })

  it('learnableBox: sigmoid(output)·b lies in (0, b) per dimension; b (init 1) gets the gradient Σ_i sigmoid(o_ik)', () => {
    const f = createMlpEncoder({ inputDim: 3, hiddenWidths: [16], outputNormalization: 'learnableBox', seed: 4 })
    const w = f.getWeights()
    expect(w[BOX_BOUND_NAME]).toEqual({ shape: [3], values: [1, 1, 1] })
    const bound = [0.5, 2, 7]
    f.setWeights({ ...w, [BOX_BOUND_NAME]: { shape: [3], values: bound } })
    // moderate inputs: in float32 sigmoid saturates to exactly 0 or 1 once |o| ≳ 17 (then the bound is reached)
    const x = tf.mul(input(3, 5), 3) as tf.Tensor2D
    const taps = f.applyWithTaps(x)
    const out = taps[1]!.arraySync()
    const boxed = taps[2]!.arraySync()
    const sig = (v: number) => 1 / (1 + Math.exp(-v))
    for (let i = 0; i < batch; i++) {
      for (let k = 0; k < 3; k++) {
        expect(boxed[i]![k]).toBeGreaterThan(0)
        expect(boxed[i]![k]).toBeLessThan(bound[k]!)
        expect(boxed[i]![k]).toBeCloseTo(sig(out[i]![k]!) * bound[k]!, 5)
      }
    }
    const b = f.namedVariables.get(BOX_BOUND_NAME)!
    const { value, grads } = tf.variableGrads(() => tf.sum(f.apply(x)) as tf.Scalar, [b])
    const g = grads[b.name]!.dataSync()
    for (let k = 0; k < 3; k++) {
      let s = 0
      for (let i = 0; i < batch; i++) s += sig(out[i]![k]!)
      expect(g[k]).toBeCloseTo(s, 3)
    }
    tf.dispose([x, ...taps, value, ...Object.values(grads)])
    f.dispose()
  })

  it('normalised forward passes and their gradients leak nothing', () => {
    for (const kind of ['fixedSphere', 'learnableSphere', 'learnableBox'] as const) {
      const f = createMlpEncoder({ inputDim: 3, hiddenWidths: [8], outputNormalization: kind, seed: 1 })
      const x = input(3, 6)
      expect(countLeakedTensors(() => f.apply(x))).toBe(0)
      expect(countLeakedTensors(() => f.applyWithTaps(x))).toBe(0)
      expect(countLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(f.apply(x)) as tf.Scalar, f.trainableVariables)
        return [value, ...Object.values(grads)]
      })).toBe(0)
      x.dispose()
      f.dispose()
    }
  })
})
