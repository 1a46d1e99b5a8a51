import * as tf from '@tensorflow/tfjs'
import { batchIndices, imagesToTensor, simclrViews, type SimclrAugmentOptions } from '@cl/datasets'
import { ntXent, type Temperature } from '@cl/infonce'
import { isBatchNormVariable, type NamedVariables } from '@cl/models'
import { stepSeed, train, type CheckpointStore, type TrainResult } from '@cl/train'
import { trainProgress } from '../../train/progress.js'
import type { SslTrainConfig } from './config.js'
import type { ExperimentImages } from './data.js'

/**
 * Parameters without weight decay and without LARS adaptation: biases and every BatchNorm parameter (PatrickHua/SimSiam
 * `LARS_simclr` 'exclude' group, DirectCLR `exclude_bias_and_norm`), decided on the local variable names `@cl/models`
 * gives them (`…/bias`; a batch norm's `…/gamma`, `…/beta` and running statistics).
 */
export function excludeFromDecay(localName: string): boolean {
  return localName.endsWith('/bias') || isBatchNormVariable(localName)
}

/** The loss of one training step on the two views' embeddings: NT-Xent with τ (scalar or per dim) and ℓ2-normalisation on or off. */
export interface SimclrLoss {
  readonly tau: Temperature
  readonly normalize: boolean
}

/** The SimCLR augmentation options of a crop size (SimSiam's values otherwise, `@cl/datasets` defaults). */
export function augmentOptions(size: number): SimclrAugmentOptions {
  return { size }
}

export interface TrainSimclrOptions {
  /** Job key: names the checkpoint and seeds the batches and augmentations. */
  readonly key: string
  readonly seed: number
  readonly images: ExperimentImages
  readonly augmentSize: number
  /** Every variable of the model (trainable ones are optimised; BN running statistics are checkpointed with them). */
  readonly variables: NamedVariables
  /** BN batch statistics + running-stat updates (true) or running statistics (false). */
  readonly setTraining: (training: boolean) => void
  /** What the loss sees for a batch of one view, before the loss's own ℓ2-normalisation (if any). */
  readonly embed: (x: tf.Tensor4D) => tf.Tensor2D
  readonly loss: SimclrLoss
  readonly train: SslTrainConfig
  readonly store: CheckpointStore
  readonly log: (line: string) => void
  readonly label?: string
  readonly signal?: AbortSignal
}

/**
 * The two SimCLR views of training step `step`: the step's images (an epoch-wise seeded permutation of the
 * `images.ssl` train images, drop_last) and two independent augmentations, all a function of (seed, key, step), so a
 * resumed job sees the same batches. Normalised network inputs; caller-owned.
 */
export function stepViews(images: ExperimentImages, seed: number, key: string, step: number, batchSize: number, augmentSize: number): [tf.Tensor4D, tf.Tensor4D] {
  const positions = batchIndices(images.ssl.length, batchSize, stepSeed(seed, key, 0), step)
  const x = imagesToTensor(images.dataset.train, images.dataset, Int32Array.from(positions, (p) => images.ssl[p]!))
  try {
    return simclrViews(x, images.dataset, stepSeed(seed, `${key}-augment`, step), augmentOptions(augmentSize))
  } finally {
    x.dispose()
  }
}

/**
 * Contrastive training of §4.2 (PatrickHua/SimSiam `main.py` with `models/simclr.py`): per step two augmented views of
 * a batch, each embedded separately with BN in training mode (batch statistics per view, as SimSiam's two forward
 * passes), NT-Xent on the pair, one update of `@cl/train` `train()` (optimizer, coupled weight decay except biases
 * and BN parameters, warm-up + cosine schedule, checkpoints in the run's store, progress lines, stop on `signal`).
 * Leaves the model in evaluation mode.
 */
export async function trainSimclr(options: TrainSimclrOptions): Promise<TrainResult> {
  const { key, seed, images, train: t } = options
  const progress = trainProgress({ label: options.label ?? key, log: options.log })
  options.setTraining(true)
  try {
    return await train(
      {
        variables: options.variables,
        loss: (step) => {
          const [v1, v2] = stepViews(images, seed, key, step, t.batchSize, options.augmentSize)
          const z1 = options.embed(v1)
          const z2 = options.embed(v2)
          return ntXent(z1, z2, { tau: options.loss.tau, normalize: options.loss.normalize }).total
        },
      },
      {
        key,
        steps: t.steps,
        learningRate: t.learningRate,
        optimizer: t.optimizer,
        ...(t.optimizer === 'adam' ? {} : { momentum: t.momentum }),
        weightDecay: t.weightDecay,
        excludeFromDecay,
        schedule: { warmupSteps: t.warmupSteps, decay: 'cosine', cosineSteps: t.cosineSteps, finalLearningRate: t.finalLearningRate },
        store: options.store,
        onStep: progress.onStep,
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      },
    )
  } finally {
    progress.stop()
    options.setTraining(false)
  }
}
