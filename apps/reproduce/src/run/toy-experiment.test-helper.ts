import * as tf from '@tensorflow/tfjs'
import { z } from 'zod'
import type { Experiment } from '../experiments/experiment.js'
import { CheckpointStore } from '../train/checkpoint-store.js'

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
