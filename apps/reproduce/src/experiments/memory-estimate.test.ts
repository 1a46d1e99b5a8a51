import * as tf from '@tensorflow/tfjs'
import { PAIRWISE_LSE_BACKWARD, PAIRWISE_LSE_FORWARD, contentStyleTau, pairwiseLseImplementation } from '@cl/infonce'
import { createLinearEncoder, createMlpEncoder } from '@cl/models'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PAIR_TILE,
  TRAIN_STEP_BUDGET_BYTES,
  checkEvalFits,
  checkTrainBatchFits,
  estimateEvalBytes,
  estimateTrainStepBytes,
  maxTrainBatchSize,
  pairTermFloats,
} from './memory-estimate.js'
import { spaceLoss } from './synthetic.js'

/** A copy of the cpu backend without the pairwise log-sum-exp kernels: the losses take the tiled fused path there. */
const TILED = 'cl-test-cpu-tiled'

beforeAll(async () => {
  const cpu = tf.findBackend('cpu') ?? (await tf.setBackend('cpu'), tf.findBackend('cpu')!)
  tf.registerBackend(TILED, () => new (cpu.constructor as new () => tf.KernelBackend)())
  tf.copyRegisteredKernels('cpu', TILED)
  for (const name of [PAIRWISE_LSE_FORWARD, PAIRWISE_LSE_BACKWARD]) if (tf.getKernel(name, TILED)) tf.unregisterKernel(name, TILED)
})
afterAll(async () => {
  await tf.setBackend('cpu')
  tf.removeBackend(TILED)
})

describe('estimateTrainStepBytes', () => {
  it.each([
    ['box', 256, []],
    ['sphere', 256, []],
    ['box', 192, [40, 100, 100, 100, 100, 40]],
    ['sphere', 192, [40, 100, 100, 100, 100, 40]],
  ] as const)('bounds the measured peak of one Adam step (tf.profile) from above, kernel and tiled paths: %s N = %i widths %j', async (space, n, widths) => {
    const dims = 10
    const sphere = space === 'sphere'
    const estimate = estimateTrainStepBytes(n, { dims, hiddenWidths: widths })
    for (const backend of ['cpu', TILED]) {
      expect(await tf.setBackend(backend)).toBe(true)
      expect(pairwiseLseImplementation()).toBe(backend === 'cpu' ? 'kernel' : 'tiled')
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
      expect(estimate, backend).toBeGreaterThanOrEqual(info.peakBytes)
      // not wildly conservative: the tiled path (the pair term's worst case) within 3×, the rest also with the kernel
      if (backend === TILED) expect(estimate, backend).toBeLessThanOrEqual(3 * info.peakBytes)
      else expect(estimate - 4 * pairTermFloats(n, n), backend).toBeLessThanOrEqual(3 * info.peakBytes)
      f.dispose()
      optimizer.dispose()
      tf.dispose([x, xPositive])
    }
  })

  it('grows as 4·min(N, 1024)² floats for the fused loss plus activations: the paper batch 6144 fits the wasm budget, 65536 does not', () => {
    const paper = { dims: 10, hiddenWidths: [100, 500, 500, 500, 500, 100] }
    const linear = { dims: 8, hiddenWidths: [] }
    expect(estimateTrainStepBytes(512, linear) - estimateTrainStepBytes(256, linear)).toBe(4 * 4 * (512 ** 2 - 256 ** 2) + 4 * 24 * 256 * 16)
    // past one tile the pair term stays 4·1024² floats: only the activations grow
    expect(estimateTrainStepBytes(2048, linear) - estimateTrainStepBytes(1024, linear)).toBe(4 * 24 * 1024 * 16)
    expect(pairTermFloats(6144, 6144)).toBe(4 * PAIR_TILE ** 2)
    expect(estimateTrainStepBytes(6144, paper)).toBeLessThanOrEqual(TRAIN_STEP_BUDGET_BYTES)
    const max = maxTrainBatchSize(paper)
    expect(max).toBeGreaterThan(6144)
    expect(estimateTrainStepBytes(max, paper)).toBeLessThanOrEqual(TRAIN_STEP_BUDGET_BYTES)
    expect(estimateTrainStepBytes(max + 1, paper)).toBeGreaterThan(TRAIN_STEP_BUDGET_BYTES)
    expect(maxTrainBatchSize(paper, 1)).toBe(0)
    expect(() => checkTrainBatchFits('config.train.batchSize', 6144, paper)).not.toThrow()
    expect(() => checkTrainBatchFits('config.train.batchSize', 65536, paper)).toThrow(new RegExp(`^invalid config\\.train\\.batchSize: expected at most ${max} for this encoder .*received 65536$`))
    expect(() => checkTrainBatchFits('config.train.batchSize', 65536, paper)).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', field: 'config.train.batchSize' }))
    expect(estimateEvalBytes(10_000, paper)).toBe(4 * (2 * 10_000 * (10 + 100 + 4 * 500 + 100 + 10) + 4 * 512 * 1024))
    expect(() => checkEvalFits('config.evalSamples', 10_000, paper)).not.toThrow()
    expect(() => checkEvalFits('config.evalSamples', 1e9, paper)).toThrow(/^invalid config\.evalSamples: expected at most about \d+/)
  })
})
