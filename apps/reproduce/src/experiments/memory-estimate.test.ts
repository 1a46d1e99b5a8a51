import * as tf from '@tensorflow/tfjs'
import { contentStyleTau } from '@cl/infonce'
import { createLinearEncoder, createMlpEncoder } from '@cl/models'
import { beforeAll, describe, expect, it } from 'vitest'
import { TRAIN_STEP_BUDGET_BYTES, checkEvalFits, checkTrainBatchFits, estimateTrainStepBytes, maxTrainBatchSize } from './memory-estimate.js'
import { spaceLoss } from './synthetic.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('estimateTrainStepBytes', () => {
  it.each([
    ['box', 256, []],
    ['sphere', 256, []],
    ['box', 192, [40, 100, 100, 100, 100, 40]],
    ['sphere', 192, [40, 100, 100, 100, 100, 40]],
  ] as const)('bounds the measured peak of one Adam step (tf.profile) from above, within 3×: %s N = %i widths %j', async (space, n, widths) => {
    const dims = 10
    const sphere = space === 'sphere'
    const f = widths.length === 0
      ? createLinearEncoder({ inputDim: dims, seed: 1, outputNormalization: sphere ? 'fixedSphere' : 'none' })
      : createMlpEncoder({ inputDim: dims, hiddenWidths: widths, seed: 1, outputNormalization: sphere ? 'fixedSphere' : 'none' })
    const optimizer = tf.train.adam(1e-3)
    const x = tf.randomNormal([n, dims]) as tf.Tensor2D
    const xPositive = tf.randomNormal([n, dims]) as tf.Tensor2D
    const tau = contentStyleTau({ dims, contentDims: 2, tauContent: 0.1, tauStyle: 1 })
    const before = tf.memory().numTensors
    const info = await tf.profile(() => {
      optimizer.minimize(() => spaceLoss(space, f.apply(x), f.apply(xPositive), tau, false).total, true, f.trainableVariables)?.dispose()
    })
    // Adam's moment variables are created by the first step and stay (4 per trainable variable: m, v and their accumulators)
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * f.trainableVariables.length)
    const estimate = estimateTrainStepBytes(n, { dims, hiddenWidths: widths })
    expect(estimate).toBeGreaterThanOrEqual(info.peakBytes)
    expect(estimate).toBeLessThanOrEqual(3 * info.peakBytes)
    f.dispose()
    optimizer.dispose()
    tf.dispose([x, xPositive])
  })

  it('grows as 12 N×N float32 matrices: the paper batch 6144 fits the wasm budget, 16384 does not', () => {
    const paper = { dims: 10, hiddenWidths: [100, 500, 500, 500, 500, 100] }
    const linear = { dims: 8, hiddenWidths: [] }
    expect(estimateTrainStepBytes(2048, linear) - estimateTrainStepBytes(1024, linear)).toBe(4 * 12 * (2048 ** 2 - 1024 ** 2) + 4 * 24 * 1024 * 16)
    expect(estimateTrainStepBytes(6144, paper)).toBeLessThanOrEqual(TRAIN_STEP_BUDGET_BYTES)
    const max = maxTrainBatchSize(paper)
    expect(estimateTrainStepBytes(max, paper)).toBeLessThanOrEqual(TRAIN_STEP_BUDGET_BYTES)
    expect(estimateTrainStepBytes(max + 1, paper)).toBeGreaterThan(TRAIN_STEP_BUDGET_BYTES)
    expect(() => checkTrainBatchFits('config.train.batchSize', 6144, paper)).not.toThrow()
    expect(() => checkTrainBatchFits('config.train.batchSize', 16384, paper)).toThrow(new RegExp(`^invalid config\\.train\\.batchSize: expected at most ${max} for this encoder .*received 16384$`))
    expect(() => checkTrainBatchFits('config.train.batchSize', 16384, paper)).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', field: 'config.train.batchSize' }))
    expect(() => checkEvalFits('config.evalSamples', 10_000, paper)).not.toThrow()
    expect(() => checkEvalFits('config.evalSamples', 1e9, paper)).toThrow(/^invalid config\.evalSamples: expected at most about \d+/)
  })
})
