import * as tf from '@tensorflow/tfjs'
import { contentStyleTau, cosineInfoNce, lpInfoNce, type Temperature } from '@cl/infonce'
import { applyToViews, createMlpEncoder, type Encoder } from '@cl/models'
import type { Dgp } from '@cl/dgp'
import type { BuiltWorkload, Workload, WorkloadName } from './workload.js'
import { paperDgp, stepBatch } from './paper-dgp.js'

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
        const [h, hPositive] = applyToViews(f, b.x, b.xPositive)
        const terms = space === 'box' ? lpInfoNce(h, hPositive, { tau, p: 2 }) : cosineInfoNce(h, hPositive, { tau, normalize: false })
        // train() runs the loss inside a tidy: the batch, the activations and the other terms are freed there.
        return terms.total as tf.Scalar
      },
    },
    dispose: () => f.dispose(),
  }
}

/**
 * An MLP-encoder workload of the paper's nonlinear DGP (§4.1): d = 10, d_c = 2, g = cl-ica's 3-layer invertible MLP,
 * box style σ = 0.05 or sphere vMF style κ = 30 (the app's choices), f = a leaky-ReLU MLP with He-uniform init (the
 * app's presets) ending in the fixed-sphere normalisation on the sphere, the all-ones τ vector.
 */
export function mlpWorkload(spec: {
  readonly name: WorkloadName
  readonly description: string
  readonly defaultN: number
  readonly quickN: number
  readonly space: 'box' | 'sphere'
  readonly hiddenWidths: readonly number[]
  readonly learningRate: number
}): Workload {
  const dims = 10
  const contentDims = 2
  return {
    name: spec.name,
    description: spec.description,
    defaultN: spec.defaultN,
    quickN: spec.quickN,
    shape: { dims, hiddenWidths: spec.hiddenWidths },
    build({ n, seed, thresholdDraws }) {
      const dgp = paperDgp({ space: spec.space, dims, contentDims, sigma: 0.05, kappa: 30, generator: 'mlp', thresholdDraws, seed })
      const outputNormalization = spec.space === 'sphere' ? 'fixedSphere' : 'none'
      const encoder = createMlpEncoder({ inputDim: dims, hiddenWidths: [...spec.hiddenWidths], weightInit: 'heUniform', outputNormalization, seed, name: `bench-${spec.name}` })
      const tau = contentStyleTau({ dims, contentDims, tauContent: 1, tauStyle: 1 })
      return encoderWorkload({ space: spec.space, encoder, dgp, n, seed, tau, learningRate: spec.learningRate })
    },
  }
}
