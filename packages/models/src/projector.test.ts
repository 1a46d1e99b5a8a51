import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLinearEncoder } from './linear-encoder.js'
import { createMlpEncoder } from './mlp-encoder.js'
import { createProjector, withProjector } from './projector.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

const batch = 24
function input(d: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(createRng(seed).uniformArray(batch * d)), [batch, d])
}

describe('projector head (SimSiam SimCLR projection_MLP: Linear-ReLU-Linear)', () => {
  it('createProjector: defaults hidden = in, out = 256, ReLU, biases', () => {
    const p = createProjector({ inputDim: 12, seed: 1 })
    expect(p.layers.map((l) => [l.inputDim, l.outputDim])).toEqual([[12, 12], [12, 256]])
    expect(p.activation).toBe('relu')
    expect(p.tapNames).toEqual(['hidden_1', 'output'])
    const x = tf.sub(input(12, 1), 0.5) as tf.Tensor2D
    const taps = p.applyWithTaps(x)
    expect(Math.min(...Array.from(taps[0]!.dataSync()))).toBe(0) // ReLU, not leaky: negatives are clipped to 0
    tf.dispose([x, ...taps])
    p.dispose()
  })

  it('withProjector: before and after the projector are both reachable and consistent', () => {
    const backbone = createMlpEncoder({ inputDim: 5, hiddenWidths: [20, 20], outputNormalization: 'fixedSphere', seed: 2 })
    const model = withProjector(backbone, { hiddenDim: 16, outputDim: 8, seed: 3 })
    expect(model.backbone).toBe(backbone)
    expect(model.outputDim).toBe(8)
    expect(model.inputShape).toEqual([5])
    expect(model.tapNames).toEqual([
      'backbone/hidden_1', 'backbone/hidden_2', 'backbone/output', 'backbone/normalized', 'projector/hidden_1', 'projector/output',
    ])
    expect(model.tapWidths).toEqual([20, 20, 5, 5, 16, 8])
    const x = input(5, 4)
    const { features, projection } = model.applyBoth(x)
    const direct = backbone.apply(x)
    const head = model.projector.apply(direct)
    const applied = model.apply(x)
    const taps = model.applyWithTaps(x)
    expect(features.shape).toEqual([batch, 5])
    expect(projection.shape).toEqual([batch, 8])
    expect(Array.from(features.dataSync())).toEqual(Array.from(direct.dataSync()))
    expect(Array.from(projection.dataSync())).toEqual(Array.from(head.dataSync()))
    expect(Array.from(applied.dataSync())).toEqual(Array.from(head.dataSync()))
    expect(Array.from(taps[3]!.dataSync())).toEqual(Array.from(features.dataSync()))
    expect(Array.from(taps[5]!.dataSync())).toEqual(Array.from(projection.dataSync()))
    tf.dispose([x, features, projection, direct, head, applied, ...taps])
    model.dispose()
  })

  it('exposes all trainable variables, prefixed weights, round-trips, and owns the backbone on dispose', () => {
    const base = tf.memory().numTensors
    const model = withProjector(createLinearEncoder({ inputDim: 4, seed: 1 }), { outputDim: 6, seed: 2, name: 'simclr' })
    expect(model.trainableVariables.map((v) => v.name)).toEqual([
      `${model.backbone.scope}/dense_0/kernel`,
      'simclr/projector/dense_0/kernel', 'simclr/projector/dense_0/bias',
      'simclr/projector/dense_1/kernel', 'simclr/projector/dense_1/bias',
    ])
    const w = model.getWeights()
    expect(Object.keys(w)).toEqual([
      'backbone/dense_0/kernel', 'projector/dense_0/kernel', 'projector/dense_0/bias', 'projector/dense_1/kernel', 'projector/dense_1/bias',
    ])
    const other = withProjector(createLinearEncoder({ inputDim: 4, seed: 8 }), { outputDim: 6, seed: 9 })
    other.setWeights(JSON.parse(JSON.stringify(w)))
    const x = input(4, 5)
    const a = model.apply(x)
    const b = other.apply(x)
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()))
    tf.dispose([x, a, b])
    other.dispose()
    model.dispose()
    expect(tf.memory().numTensors).toBe(base)
  })

  it('standardised projection: per-dimension mean 0 / std 1 on the batch; no leaks in forward, grads and Adam', () => {
    const backbone = createMlpEncoder({ inputDim: 6, hiddenWidths: [32], seed: 5 })
    const model = withProjector(backbone, { outputDim: 10, standardize: true, seed: 6 })
    expect(model.tapNames.at(-1)).toBe('standardized')
    const x = input(6, 7)
    const { projection } = model.applyBoth(x)
    const raw = model.projector.apply(backbone.apply(x))
    const y = projection.arraySync()
    const r = raw.arraySync()
    for (let k = 0; k < 10; k++) {
      const mean = y.reduce((s, row) => s + row[k]!, 0) / batch
      const std = Math.sqrt(y.reduce((s, row) => s + (row[k]! - mean) ** 2, 0) / batch)
      const rMean = r.reduce((s, row) => s + row[k]!, 0) / batch
      const rVar = r.reduce((s, row) => s + (row[k]! - rMean) ** 2, 0) / batch
      expect(Math.abs(mean)).toBeLessThan(1e-5)
      expect(std).toBeCloseTo(Math.sqrt(rVar / (rVar + 1e-8)), 4)
      expect(Math.abs(std - 1)).toBeLessThan(1e-3)
      expect(rVar).toBeLessThan(0.1) // the raw head output is far from unit variance
    }
    tf.dispose([projection, raw])
    expect(countLeakedTensors(() => model.apply(x))).toBe(0)
    expect(countLeakedTensors(() => model.applyBoth(x))).toBe(0)
    expect(countLeakedTensors(() => model.applyWithTaps(x))).toBe(0)
    const loss = () => {
      const { features, projection: p } = model.applyBoth(x)
      return tf.add(tf.mean(tf.square(p)), tf.mean(tf.square(features))) as tf.Scalar
    }
    expect(countLeakedTensors(() => {
      const { value, grads } = tf.variableGrads(loss, model.trainableVariables)
      expect(Object.keys(grads)).toHaveLength(model.trainableVariables.length)
      return [value, ...Object.values(grads)]
    })).toBe(0)
    const opt = tf.train.adam(1e-3, 0.9, 0.999, 1e-8)
    opt.minimize(loss, false, model.trainableVariables)
    expect(countLeakedTensors(() => {
      opt.minimize(loss, false, model.trainableVariables)
    })).toBe(0)
    opt.dispose()
    x.dispose()
    model.dispose()
  })

  it('standardisation with running statistics: setTraining(false) switches the projection to running stats', () => {
    const model = withProjector(createLinearEncoder({ inputDim: 3, seed: 1 }), {
      outputDim: 4,
      standardize: { trackRunningStats: true },
      seed: 2,
    })
    expect(Object.keys(model.getWeights())).toContain('standardization/running_mean')
    const x = input(3, 3)
    const train = model.apply(x)
    model.setTraining(false)
    const evalOut = model.apply(x)
    expect(Array.from(evalOut.dataSync())).not.toEqual(Array.from(train.dataSync()))
    tf.dispose([x, train, evalOut])
    model.dispose()
  })

  it('setTraining propagates to a backbone that has modes (e.g. a future ResNet with BatchNorm)', () => {
    const mlp = createMlpEncoder({ inputDim: 3, hiddenWidths: [4], seed: 1 })
    const calls: boolean[] = []
    const backbone = { ...mlp, setTraining: (flag: boolean) => void calls.push(flag), dispose: () => mlp.dispose() }
    const model = withProjector(backbone, { outputDim: 2, seed: 2 })
    model.setTraining(false)
    model.setTraining(true)
    expect(calls).toEqual([false, true])
    model.dispose()
    expect(Object.keys(tf.engine().registeredVariables).filter((n) => n.startsWith(`${mlp.scope}/`))).toEqual([])
  })
})
