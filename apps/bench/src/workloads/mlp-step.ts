import * as tf from '@tensorflow/tfjs'
import { cosineInfoNce, lpInfoNce, type Temperature } from '@cl/infonce'
import type { Encoder } from '@cl/models'
import type { Dgp } from '@cl/dgp'
import type { BuiltWorkload } from './workload.js'
import { stepBatch } from './paper-dgp.js'

/** The job key the step batches are drawn with (`stepSeed(seed, key, step)`). */
export const BENCH_JOB_KEY = 'bench'

/**
 * One training step of the reproduce app (`trainEncoder` in apps/reproduce `experiments/synthetic.ts`): a fresh DGP
 * batch for the step, both views through the encoder f, the space's InfoNCE — Lp (p = 2) on the box, cosine on the
 * sphere with f's own output normalisation — and (by `@cl/train`'s `train`) its gradient and one Adam update.
 */
export function encoderWorkload(options: {
  readonly space: 'box' | 'sphere'
  readonly encoder: Encoder
  readonly dgp: Dgp
  readonly n: number
  readonly seed: number
  readonly tau: Temperature
  readonly learningRate: number
}): BuiltWorkload {
  const { space, encoder: f, dgp, n, seed, tau } = options
  return {
    learningRate: options.learningRate,
    job: {
      variables: f.namedVariables,
      loss: (step) => {
        const b = stepBatch(dgp, seed, BENCH_JOB_KEY, step, n)
        const h = f.apply(b.x)
        const hPositive = f.apply(b.xPositive)
        const terms = space === 'box' ? lpInfoNce(h, hPositive, { tau, p: 2 }) : cosineInfoNce(h, hPositive, { tau, normalize: false })
        // train() runs the loss inside a tidy: the batch, the activations and the other terms are freed there.
        return terms.total as tf.Scalar
      },
    },
    dispose: () => f.dispose(),
  }
}
