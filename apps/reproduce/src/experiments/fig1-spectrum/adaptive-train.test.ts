import * as tf from '@tensorflow/tfjs'
import { InterruptedError } from '@cl/core'
import { createDgp } from '@cl/dgp'
import { createAdaptiveTemperature, type AdaptiveTemperatureSource } from '@cl/infonce'
import { createLinearEncoder } from '@cl/models'
import { MemoryCheckpointStore, type TrainingCheckpoint } from '@cl/train'
import { beforeAll, describe, expect, it } from 'vitest'
import { ADAPTIVE_TAU_VARIABLE, paperGenerator, trainEncoder, type SpaceKind } from '../synthetic.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const dims = 4
const steps = 20

function dgpFor(space: SpaceKind) {
  const generator = paperGenerator({ kind: 'linear', thresholdDraws: 50 }, dims, 1)
  return createDgp({ space, dims, contentDims: 1, conditional: { kind: 'normal', sigma: space === 'box' ? 0.05 : 0.3, contentSigma: 0.005 }, generator, seed: 1 })
}

/** Train a linear encoder with adaptive τ; `abortAtSave` interrupts the run when the checkpoint of that step is saved. */
async function run(space: SpaceKind, source: AdaptiveTemperatureSource, name: string, store: MemoryCheckpointStore, abortAtSave?: number) {
  const controller = new AbortController()
  const watched = abortAtSave === undefined
    ? store
    : Object.assign(Object.create(store) as MemoryCheckpointStore, {
        saveCheckpoint(key: string, c: TrainingCheckpoint) {
          store.saveCheckpoint(key, c)
          if (c.step === abortAtSave) controller.abort('test')
        },
      })
  const adaptive = createAdaptiveTemperature({ dims, source, updateEvery: 3, momentum: 0.5 })
  const f = createLinearEncoder({ inputDim: dims, outputNormalization: 'none', seed: 4, name })
  try {
    const outcome = await trainEncoder({ space, encoder: f, dgp: dgpFor(space), seed: 1, key: 'job', adaptive, train: { steps, batchSize: 64, learningRate: 0.03 }, store: watched, log: () => {}, signal: controller.signal })
    return { outcome, weights: Float32Array.from(f.namedVariables.values().next().value!.dataSync()), tau: adaptive.values(), updates: adaptive.history.length }
  } finally {
    f.dispose()
    adaptive.dispose()
  }
}

describe('trainEncoder with an adaptive τ', () => {
  for (const [space, source] of [['box', 'gradient'], ['sphere', 'covariance']] as const) {
    it(`${space} (${source}): τ moves towards Prop. 3, is checkpointed, and a resumed run ends bit-identical`, async () => {
      const before = tf.memory().numTensors
      const whole = await run(space, source, `whole-${space}`, new MemoryCheckpointStore())
      expect(tf.memory().numTensors).toBe(before)
      expect(whole.updates).toBe(Math.floor(steps / 3))
      // δ-like content (σ_c/σ_s ≤ 0.1): the first output's τ has moved well below τ_s, the rest stay at τ_s
      expect(whole.tau[0]!).toBeLessThan(0.5)
      expect(Array.from(whole.tau.slice(1))).toEqual([1, 1, 1])

      const store = new MemoryCheckpointStore()
      await expect(run(space, source, `first-${space}`, store, 8)).rejects.toBeInstanceOf(InterruptedError)
      const saved = store.loadCheckpoint('job')!
      expect(saved.step).toBe(8)
      expect(saved.weights[ADAPTIVE_TAU_VARIABLE]!.shape).toEqual([dims])
      expect(saved.weights[ADAPTIVE_TAU_VARIABLE]!.values[0]).toBeLessThan(1)
      const resumed = await run(space, source, `resumed-${space}`, store)
      expect(resumed.outcome.startStep).toBe(8)
      expect(resumed.updates).toBe(Math.floor(steps / 3) - 2)
      expect(Array.from(resumed.tau)).toEqual(Array.from(whole.tau))
      expect(Array.from(resumed.weights)).toEqual(Array.from(whole.weights))
      expect(resumed.outcome.finalLoss).toBe(whole.outcome.finalLoss)
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})
