import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError, countLeakedTensors, createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMlpEncoder, referenceHiddenWidths, type MlpEncoder } from './mlp-encoder.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

function randomInput(batch: number, d: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(createRng(seed).uniformArray(batch * d)), [batch, d])
}

describe('reference MLP encoder (cl-ica get_mlp, d = 10)', () => {
  let enc: MlpEncoder
  let x: tf.Tensor2D
  beforeAll(() => {
    enc = createMlpEncoder({ inputDim: 10, seed: 0 })
    x = randomInput(8, 10, 1)
  })
  afterAll(() => {
    enc.dispose()
    x.dispose()
  })

  it('has 7 dense layers 10-100-500-500-500-500-100-10 with biases', () => {
    expect(referenceHiddenWidths(10)).toEqual([100, 500, 500, 500, 500, 100])
    expect(enc.layers.map((l) => [l.inputDim, l.outputDim])).toEqual([
      [10, 100], [100, 500], [500, 500], [500, 500], [500, 500], [500, 100], [100, 10],
    ])
    expect([...enc.namedVariables.keys()]).toEqual(
      [0, 1, 2, 3, 4, 5, 6].flatMap((i) => [`dense_${i}/kernel`, `dense_${i}/bias`]),
    )
    expect(enc.trainableVariables).toHaveLength(14)
    expect(enc.trainableVariables[0]!.name).toBe(`${enc.scope}/dense_0/kernel`)
    expect(enc.activation).toBe('leakyRelu')
    expect(enc.leakySlope).toBe(0.01)
  })

  it('taps: post-activation of each hidden layer plus the output, widths 100,500,500,500,500,100,10', () => {
    expect(enc.tapNames).toEqual(['hidden_1', 'hidden_2', 'hidden_3', 'hidden_4', 'hidden_5', 'hidden_6', 'output'])
    expect(enc.tapWidths).toEqual([100, 500, 500, 500, 500, 100, 10])
    const taps = enc.applyWithTaps(x)
    expect(taps.map((t) => t.shape)).toEqual(enc.tapWidths.map((w) => [8, w]))
    // hidden taps are post-activation: h = leakyRelu(dense(h_prev)), the output tap is linear
    const pre1 = tf.tidy(() => enc.layers[1]!.apply(taps[0]!))
    const expected = tf.tidy(() => tf.leakyRelu(pre1, 0.01))
    expect(Array.from(taps[1]!.dataSync())).toEqual(Array.from(expected.dataSync()))
    const out = enc.apply(x)
    expect(Array.from(taps[6]!.dataSync())).toEqual(Array.from(out.dataSync()))
    tf.dispose([...taps, pre1, expected, out])
  })

  it('does not leak: apply, applyWithTaps, tf.variableGrads, Adam minimize', () => {
    expect(countLeakedTensors(() => enc.apply(x))).toBe(0)
    expect(countLeakedTensors(() => enc.applyWithTaps(x))).toBe(0)
    const loss = () => tf.mean(tf.square(enc.apply(x))) as tf.Scalar
    expect(
      countLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(loss, enc.trainableVariables)
        expect(Object.keys(grads).sort()).toEqual(enc.trainableVariables.map((v) => v.name).sort())
        const g0 = grads[`${enc.scope}/dense_0/kernel`]!
        expect(Math.max(...Array.from(g0.dataSync()).map(Math.abs))).toBeGreaterThan(0)
        return [value, ...Object.values(grads)]
      }),
    ).toBe(0)
    const opt = tf.train.adam(1e-4, 0.9, 0.999, 1e-8)
    const before = enc.getWeights()['dense_6/bias']!.values
    opt.minimize(loss, false, enc.trainableVariables) // first step allocates Adam's moment slots
    expect(countLeakedTensors(() => {
      opt.minimize(loss, false, enc.trainableVariables)
    })).toBe(0)
    expect(enc.getWeights()['dense_6/bias']!.values).not.toEqual(before)
    opt.dispose()
  })

  it('creation + dispose returns every tensor and unregisters the variables', () => {
    const base = tf.memory().numTensors
    const m = createMlpEncoder({ inputDim: 3, hiddenWidths: [4, 4], outputNormalization: 'learnableBox', seed: 1 })
    expect(tf.memory().numTensors).toBe(base + 7)
    const scope = m.scope
    m.dispose()
    m.dispose() // idempotent
    expect(tf.memory().numTensors).toBe(base)
    expect(Object.keys(tf.engine().registeredVariables).filter((n) => n.startsWith(`${scope}/`))).toEqual([])
  })

  it('variable names are unique per model; an explicit name is checked and reusable after dispose', () => {
    const a = createMlpEncoder({ inputDim: 2, hiddenWidths: [2], seed: 1 })
    const b = createMlpEncoder({ inputDim: 2, hiddenWidths: [2], seed: 1 })
    expect(a.scope).not.toBe(b.scope)
    const named = createMlpEncoder({ inputDim: 2, hiddenWidths: [2], seed: 1, name: 'f' })
    expect(named.trainableVariables.map((v) => v.name)).toContain('f/dense_1/bias')
    expect(() => createMlpEncoder({ inputDim: 2, seed: 1, name: 'f' })).toThrow(InvalidConfigError)
    named.dispose()
    const again = createMlpEncoder({ inputDim: 2, hiddenWidths: [2], seed: 1, name: 'f' })
    for (const m of [a, b, again]) m.dispose()
  })

  it('trainable: false gives no trainable variables', () => {
    const m = createMlpEncoder({ inputDim: 2, hiddenWidths: [2], seed: 1, trainable: false })
    expect(m.trainableVariables).toEqual([])
    expect(m.namedVariables.size).toBe(4)
    m.dispose()
  })

  it('useBias: false drops every bias', () => {
    const m = createMlpEncoder({ inputDim: 2, hiddenWidths: [3], seed: 1, useBias: false })
    expect([...m.namedVariables.keys()]).toEqual(['dense_0/kernel', 'dense_1/kernel'])
    m.dispose()
  })

  it('validates options and inputs with typed errors', () => {
    const bad: [unknown, string][] = [
      [{ inputDim: 0, seed: 1 }, 'mlpEncoder.inputDim'],
      [{ inputDim: 2, seed: 1, hiddenWidth: [3] }, 'mlpEncoder.hiddenWidth'],
      [{ inputDim: 2, seed: 1, hiddenWidths: [3, 0] }, 'mlpEncoder.hiddenWidths[1]'],
      [{ inputDim: 2, seed: 1, activation: 'gelu' }, 'mlpEncoder.activation'],
      [{ inputDim: 2, seed: 1, leakySlope: -1 }, 'mlpEncoder.leakySlope'],
      [{ inputDim: 2, seed: 1, outputNormalization: 'sphere' }, 'mlpEncoder.outputNormalization'],
      [{ inputDim: 2, seed: -3 }, 'mlpEncoder.seed'],
      [{ inputDim: 2 }, 'mlpEncoder.seed'],
    ]
    for (const [options, field] of bad) {
      const before = tf.memory().numTensors
      try {
        createMlpEncoder(options as Parameters<typeof createMlpEncoder>[0])
        expect.unreachable()
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidConfigError)
        expect((e as InvalidConfigError).field).toBe(field)
      }
      expect(tf.memory().numTensors).toBe(before)
    }
    const wrong = tf.zeros([4, 9])
    expect(() => enc.apply(wrong as tf.Tensor2D)).toThrow(ShapeMismatchError)
    expect(() => enc.applyWithTaps(wrong as tf.Tensor2D)).toThrow(/x: expected shape \[\*, 10\], received \[4, 9\]/)
    wrong.dispose()
  })

  it('accepts an Rng as seed (a fork of the run stream) with the same result as the numeric seed', () => {
    const a = createMlpEncoder({ inputDim: 2, hiddenWidths: [3], seed: createRng(5) })
    const b = createMlpEncoder({ inputDim: 2, hiddenWidths: [3], seed: 5 })
    expect(a.getWeights()).toEqual(b.getWeights())
    a.dispose()
    b.dispose()
  })
})
