import * as tf from '@tensorflow/tfjs'
import { z } from 'zod'
import type { Experiment } from '../experiments/experiment.js'
import { createRng } from '@cl/core'
import { CheckpointStore } from '../train/checkpoint-store.js'
import { train } from '@cl/train'

/** A tiny real experiment for wiring tests: sums n ones on the selected backend and checks the sum is n. */
export const toyExperiment: Experiment<{ n: number }> = {
  id: 'toy',
  title: 'Toy wiring experiment',
  paperRef: 'none (test fixture)',
  summary: 'sums n ones on the selected backend',
  requiredKernels: ['Sum'],
  configSchema: z.object({ n: z.number().int().positive() }),
  presets: { quick: { n: 4 }, paper: { n: 8 } },
  async run({ config, log }) {
    const s = tf.tidy(() => tf.sum(tf.ones([config.n])))
    const value = (await s.data())[0]!
    s.dispose()
    log(`sum = ${value}`)
    return {
      metrics: { sum: value },
      paper: { sum: config.n },
      claims: [{ id: 'sum', description: 'the sum of n ones is n', expected: String(config.n), measured: String(value), holds: value === config.n }],
      figures: [{ name: 'toy', caption: 'an empty figure', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>' }],
      reportMarkdown: `| quantity | paper | ours |\n|---|---|---|\n| sum | ${config.n} | ${value} |`,
    }
  },
}

/** Fails half-way, after its run directory exists. */
export const failingExperiment: Experiment<{ n: number }> = {
  ...toyExperiment,
  id: 'failing',
  title: 'Failing experiment',
  async run() {
    throw new Error('loss became NaN at step 3')
  },
}

/** Three stored stages; fails in stage 1 while `resumable.failOnce` is set: for resume tests. */
export const resumable: Experiment<{ n: number }> & { failOnce: boolean; computed: number[] } = {
  ...toyExperiment,
  id: 'resumable',
  title: 'Resumable experiment',
  failOnce: true,
  computed: [],
  async run({ config, runDir }) {
    const store = new CheckpointStore(runDir)
    const values: number[] = []
    for (let stage = 0; stage < 3; stage++) {
      const key = `stage${stage}`
      let v = store.loadResult<number>(key)
      if (v === undefined) {
        if (stage === 1 && resumable.failOnce) {
          resumable.failOnce = false
          throw new Error('killed in stage 1')
        }
        v = stage * config.n
        resumable.computed.push(stage)
        store.saveResult(key, v)
      }
      values.push(v)
    }
    return {
      metrics: { values },
      paper: {},
      claims: [{ id: 'stages', description: 'all stages ran', expected: '3', measured: String(values.length), holds: values.length === 3 }],
      figures: [],
      reportMarkdown: '',
    }
  },
}

/** Trains a 3×2 least-squares map for `n` steps; sends itself SIGINT at step 50 while `trainingToy.interruptOnce`. */
export const trainingToy: Experiment<{ n: number }> & { interruptOnce: boolean; stepsRun: number[] } = {
  ...toyExperiment,
  id: 'training',
  title: 'Training toy',
  presets: { quick: { n: 200 }, paper: { n: 200 } },
  interruptOnce: true,
  stepsRun: [],
  async run({ config, runDir, signal }) {
    const store = new CheckpointStore(runDir)
    const w = tf.variable(tf.zeros([3, 2]), true, 'training-toy/w')
    try {
      const outcome = await train(
        {
          variables: new Map([['w', w]]),
          loss: (step) => {
            if (step === 50 && trainingToy.interruptOnce) {
              trainingToy.interruptOnce = false
              process.emit('SIGINT')
            }
            const rng = createRng(step)
            const x = tf.tensor2d(Array.from(rng.normalArray(48)), [16, 3])
            const y = tf.matMul(x, tf.tensor2d([[1, 0], [0, 2], [1, 1]]))
            return tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar
          },
        },
        { key: 'lsq', steps: config.n, learningRate: 0.05, store, checkpointEvery: 1000, signal },
      )
      trainingToy.stepsRun.push(outcome.stepsRun)
      return {
        metrics: { finalLoss: outcome.finalLoss },
        paper: {},
        claims: [{ id: 'fits', description: 'least squares converges', expected: '< 1e-3', measured: outcome.finalLoss.toExponential(2), holds: outcome.finalLoss < 1e-3 }],
        figures: [],
        reportMarkdown: '',
      }
    } finally {
      w.dispose()
    }
  },
}
