import * as tf from '@tensorflow/tfjs'
import { createRng } from '@cl/core'
import { createDgp, createInvertibleMlp, createLinearGenerator, type Dgp, type Generator } from '@cl/dgp'
import { cosineInfoNce, evaluateInfoNce, lpInfoNce, type AdaptiveTemperature, type InfoNceTerms, type Temperature } from '@cl/infonce'
import { applyToViews, type Encoder } from '@cl/models'
import { stepSeed, train, type CheckpointStore, type StepInfo, type TrainResult } from '@cl/train'
import { trainProgress } from '../train/progress.js'
import type { TrainStepInfo } from './experiment.js'

/** Which InfoNCE form a space uses (§4.1): Lp distance form on the box, cosine form on the sphere. */
export type SpaceKind = 'box' | 'sphere'

/** The loss the paper uses for a latent space, on encoder outputs (τ scalar or per output dim). */
export function spaceLoss(space: SpaceKind, f: tf.Tensor2D, fPositive: tf.Tensor2D, tau: Temperature, normalize = true): InfoNceTerms {
  return space === 'box' ? lpInfoNce(f, fPositive, { tau, p: 2 }) : cosineInfoNce(f, fPositive, { tau, normalize })
}

/** L_align, L_uniform, L_CL (Table 1 columns) of an encoder output on a fixed evaluation batch, row-chunked. */
export async function evaluateLoss(space: SpaceKind, f: tf.Tensor2D, fPositive: tf.Tensor2D, tau: Temperature, normalize = true) {
  const v = space === 'box'
    ? await evaluateInfoNce(f, fPositive, { loss: 'lp', tau, p: 2, chunkSize: 512 })
    : await evaluateInfoNce(f, fPositive, { loss: 'cosine', tau, normalize, chunkSize: 512 })
  return { align: v.align, uniform: v.uniform, total: v.total }
}

/** The batch of training step `step` of job `job`: a function of (seed, job, step) only, so resumes see the same data. */
export function stepBatch(dgp: Dgp, seed: number, job: string, step: number, n: number) {
  return dgp.reseed(stepSeed(seed, job, step)).sample(n)
}

/** The generator g of the synthetic experiments: cl-ica's condition-controlled linear map or invertible MLP. */
export type PaperGeneratorSpec = { kind: 'mlp'; layers: number; thresholdDraws: number } | { kind: 'linear'; thresholdDraws: number }

const generators = new Map<string, Generator>()

/**
 * g for (spec, d, seed), built once per process: the construction (25 000 condition-number draws, then redraws) takes
 * seconds, and every run of a sweep with the same seed uses the same g. The weights are exactly those `createDgp` would
 * draw with `generator.seed = seed`; a generator holds only float64 arrays, no tensors.
 */
export function paperGenerator(spec: PaperGeneratorSpec, dims: number, seed: number): Generator {
  const key = JSON.stringify([spec, dims, seed])
  let g = generators.get(key)
  if (g === undefined) {
    const options = { dims, rng: createRng(seed), thresholdDraws: spec.thresholdDraws }
    g = spec.kind === 'linear' ? createLinearGenerator(options) : createInvertibleMlp({ ...options, layers: spec.layers })
    generators.set(key, g)
  }
  return g
}

/** The synthetic DGPs of §4.1: uniform marginal, δ content, normal (box) or vMF (sphere) style, invertible g. */
export function paperDgp(options: {
  space: SpaceKind
  dims: number
  contentDims: number
  sigma: number
  kappa: number
  generator: PaperGeneratorSpec
  seed: number
}): Dgp {
  return createDgp({
    space: options.space,
    dims: options.dims,
    contentDims: options.contentDims,
    conditional: options.space === 'box' ? { kind: 'normal', sigma: options.sigma } : { kind: 'vmf', kappa: options.kappa },
    generator: paperGenerator(options.generator, options.dims, options.seed),
    seed: options.seed,
  })
}

/**
 * Train an encoder on the DGP's positive pairs with the space's InfoNCE (`@cl/train`: Adam with PyTorch defaults as
 * cl-ica; one fresh batch per step, a function of (seed, key, step)). The loss reads f's outputs as they are: encoders
 * that should live on the sphere end in their own fixed-sphere layer (cl-ica p = 0), and without it the raw dot
 * products enter ("w/o norm", Table 2). `signal` stops training at the next step with a checkpoint in `store`.
 */
export async function trainEncoder(options: {
  space: SpaceKind
  encoder: Encoder
  dgp: Dgp
  seed: number
  key: string
  train: { steps: number; batchSize: number; learningRate: number }
  store: CheckpointStore
  log: (line: string) => void
  label?: string
  /** Stops training at the next step (Ctrl-C / SIGTERM): `@cl/train` checks it before every step. */
  signal?: AbortSignal
  /** Called after every step with the encoder's named variables (the browser lab's live views; {@link TrainStepInfo}). */
  onTrainStep?: ((info: TrainStepInfo) => void) | undefined
} & (
  | { /** Fixed temperature (scalar or per output dim). */ tau: Temperature; adaptive?: never }
  | {
      tau?: never
      /**
       * Adaptive τ (Prop. 2 + 3, `createAdaptiveTemperature`): the loss uses `adaptive.tau`, which is checkpointed with
       * the weights (key {@link ADAPTIVE_TAU_VARIABLE}); after every `updateEvery`-th step τ is re-estimated on a batch
       * drawn from (seed, `${key}-tau`, step), outside the gradient tape, so a resumed run ends bit-identical.
       */
      adaptive: AdaptiveTemperature
    }
)): Promise<TrainResult> {
  const { space, encoder: f, dgp, seed, key, adaptive } = options
  const tau = adaptive?.tau ?? options.tau!
  const progress = trainProgress({ label: options.label ?? key, log: options.log })
  const { onTrainStep } = options
  const onStep = (info: StepInfo) => {
    progress.onStep(info)
    if (adaptive?.shouldUpdate(info.step) === true) updateAdaptiveTau(adaptive, dgp, f, seed, key, info.step, options.train.batchSize)
    onTrainStep?.({ job: key, step: info.step, steps: info.steps, loss: info.loss, variables: f.namedVariables })
  }
  try {
    return await train(
      {
        variables: adaptive === undefined ? f.namedVariables : new Map([...f.namedVariables, [ADAPTIVE_TAU_VARIABLE, adaptive.tau as tf.Variable]]),
        loss: (step) => {
          const b = stepBatch(dgp, seed, key, step, options.train.batchSize)
          return spaceLoss(space, ...applyToViews(f, b.x, b.xPositive), tau, false).total
        },
      },
      {
        key,
        steps: options.train.steps,
        learningRate: options.train.learningRate,
        store: options.store,
        onStep,
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      },
    )
  } finally {
    progress.stop()
  }
}

/** Name of the adaptive τ in a training job's variables (and so in its checkpoints). */
export const ADAPTIVE_TAU_VARIABLE = 'adaptiveTau'

/** One adaptive-τ update after `step` completed steps, on the batch of (seed, `${key}-tau`, step); leaves no tensors. */
function updateAdaptiveTau(adaptive: AdaptiveTemperature, dgp: Dgp, f: Encoder, seed: number, key: string, step: number, batchSize: number): void {
  const b = stepBatch(dgp, seed, `${key}-tau`, step, batchSize)
  try {
    const [out, outPositive] = applyToViews(f, b.x, b.xPositive)
    try {
      adaptive.update(out, outPositive)
    } finally {
      tf.dispose([out, outPositive])
    }
  } finally {
    tf.dispose(Object.values(b) as tf.Tensor[])
  }
}
