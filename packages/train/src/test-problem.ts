import * as tf from '@tensorflow/tfjs'
import { createRng } from '@cl/core'
import { createMlpEncoder, type MlpEncoder } from '@cl/models'
import type { TrainJob } from './train.js'
import { stepSeed } from './step-seed.js'

const TARGET = [
  [1, 0, 0.5],
  [0, 2, -1],
  [1, 1, 0],
  [-0.5, 0.3, 1],
]

/** A small non-linear regression: a 4-16-16-3 MLP fitting a fixed linear map, one fresh seeded batch per step. */
export function regressionProblem(options: { seed?: number; initSeed?: number; nanAt?: number; explodeAt?: number; throwAt?: number } = {}): { model: MlpEncoder; job: TrainJob } {
  const seed = options.seed ?? 7
  const model = createMlpEncoder({ inputDim: 4, outputDim: 3, hiddenWidths: [16, 16], seed: options.initSeed ?? seed })
  const job: TrainJob = {
    variables: model.namedVariables,
    loss: (step) => {
      if (step === options.throwAt) throw new Error(`killed at step ${step}`)
      const rng = createRng(stepSeed(seed, 'regression', step))
      const x = tf.tensor2d(Float32Array.from(rng.normalArray(32 * 4)), [32, 4])
      const y = tf.matMul(x, tf.tensor2d(TARGET))
      let l = tf.mean(tf.square(tf.sub(model.apply(x), y))) as tf.Scalar
      if (step === options.nanAt) l = tf.mul(l, Number.NaN) as tf.Scalar
      if (step === options.explodeAt) l = tf.mul(l, 1e12) as tf.Scalar
      return l
    },
  }
  return { model, job }
}

/** Every variable's float32 bits, by local name: equal maps mean bit-identical weights (−0 ≠ +0, NaN payloads too). */
export function weightBits(model: MlpEncoder): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const [name, v] of model.namedVariables) out[name] = Array.from(new Uint32Array(Float32Array.from(v.dataSync()).buffer))
  return out
}
