import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRng, isClError } from '@cl/core'
import { CheckpointStore } from './checkpoint-store.js'
import { train, type TrainJob } from './train-loop.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Least squares towards a fixed target map, with batches drawn from the step index. */
function regressionJob(key: string, w: tf.Variable, steps: number, nanAt?: number): TrainJob {
  return {
    key,
    steps,
    learningRate: 0.05,
    variables: [w],
    loss: (step) => {
      const rng = createRng(1000 + step)
      const x = tf.tensor2d(Array.from(rng.normalArray(16 * 3)), [16, 3])
      const y = tf.matMul(x, tf.tensor2d([[1, 0], [0, 2], [1, 1]]))
      const l = tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar
      return step === nanAt ? (tf.mul(l, Number.NaN) as tf.Scalar) : l
    },
  }
}
const quiet = { log: () => {}, tty: false }

describe('train', () => {
  it('decreases the loss, records history, and leaks no tensors', async () => {
    const w = tf.variable(tf.zeros([3, 2]), true, 'train-test/w1')
    const before = tf.memory().numTensors
    const out = await train(regressionJob('a', w, 60), quiet)
    expect(tf.memory().numTensors).toBe(before)
    expect(out.finalLoss).toBeLessThan(out.lossHistory[0]![1] / 10)
    expect(out.lossHistory.at(-1)![0]).toBe(60)
    w.dispose()
  })

  it('stops at the first NaN with the step in the message', async () => {
    const w = tf.variable(tf.zeros([3, 2]), true, 'train-test/w2')
    const err = await train(regressionJob('nan-job', w, 20, 6), quiet).catch((e) => e)
    expect(isClError(err, 'CL_NON_FINITE')).toBe(true)
    expect(err.message).toMatch(/nan-job: loss at step 7 is NaN/)
    w.dispose()
  })

  // Not bit-exact: tfjs's Adam.setWeights recomputes β^t by pow() where training accumulated it by products.
  it('a job resumed from a checkpoint ends with the weights of an uninterrupted one (to float32 rounding)', async () => {
    const full = tf.variable(tf.zeros([3, 2]), true, 'resume/w')
    await train(regressionJob('full', full, 30), quiet)
    const expected = Array.from(full.dataSync())
    full.dispose()

    const store = new CheckpointStore(mkdtempSync(path.join(tmpdir(), 'cl-ckpt-')))
    const first = tf.variable(tf.zeros([3, 2]), true, 'resume/w')
    // "Killed" after step 20: emulate by a job that stops there, checkpointing every 10 steps.
    await train({ ...regressionJob('job', first, 30), loss: (s) => { if (s === 20) throw new Error('killed'); return regressionJob('job', first, 30).loss(s) } }, { ...quiet, store, checkpointEvery: 10 }).catch(() => {})
    first.dispose()
    expect(store.loadCheckpoint('job')?.step).toBe(20)

    const second = tf.variable(tf.zeros([3, 2]), true, 'resume/w')
    const before = tf.memory().numTensors
    const out = await train(regressionJob('job', second, 30), { ...quiet, store, checkpointEvery: 10 })
    expect(out.stepsRun).toBe(10)
    const got = Array.from(second.dataSync())
    got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected[i]!))))
    second.dispose()
    expect(tf.memory().numTensors).toBe(before - 1)
  })
})
