import * as tf from '@tensorflow/tfjs'
import { l2Normalize, type Temperature } from '@cl/infonce'
import { createResNet, withProjector, type ResNetArch, type ResNetEncoder } from '@cl/models'
import { stepSeed, type CheckpointStore } from '@cl/train'
import type { BackboneConfig, ImageExperimentConfig, ResNetArchName } from './config.js'
import type { ExperimentImages } from './data.js'
import { extractFeatures, type FeatureMatrix } from './features.js'
import { trainSimclr } from './train-simclr.js'

/** ε of the standardisation of the "w/o norm" projector outputs: PyTorch BatchNorm1d's default. */
export const STANDARDIZE_EPSILON = 1e-5

/**
 * One SimCLR model variant of §4.2: how the loss sees the projector output.
 * - regular: ℓ2-normalised (cosine) NT-Xent, scalar τ (SimSiam `NT_XentLoss`, τ = 0.5);
 * - "w/o norm": no ℓ2-normalisation; the projector output is standardised per dim (BatchNorm1d(affine=False):
 *   batch statistics in training, running statistics in evaluation — our reading of "standardizing the outputs");
 * - "w/o norm + diff. τ": as w/o norm with a per-dim τ.
 */
export interface SimclrVariant {
  readonly id: string
  readonly label: string
  readonly normalize: boolean
  readonly standardize: boolean
  readonly tau: Temperature
}

/** The ResNet backbone of a config for square `size`-px inputs with the dataset's channels. */
export function createBackbone(backbone: BackboneConfig, size: number, channels: number, seed: number): ResNetEncoder {
  return createResNet({ arch: resNetArch(backbone.arch), inputShape: [size, size, channels], seed, zeroInitResidual: backbone.zeroInitResidual })
}

/** `@cl/models`' architecture of a config name ({@link RESNET_ARCH_NAMES}). */
export function resNetArch(name: ResNetArchName): ResNetArch {
  return name === 'resnet-small-2' ? { block: 'basic', layers: [1, 1, 2], widths: [16, 32, 64] } : name
}

/** Features of the readout sets, before (backbone) and after (projector) — see {@link trainSimclrVariant}. */
export interface BeforeAfterFeatures {
  readonly train?: { readonly before: FeatureMatrix; readonly after: FeatureMatrix }
  readonly test: { readonly before: FeatureMatrix; readonly after: FeatureMatrix }
  readonly lossHistory: [number, number][]
  readonly trainSeconds: number
}

/**
 * Build, train and embed one §4.2 model: ResNet backbone + SimSiam projection head (Linear(D, D) → ReLU →
 * Linear(D, projectionDim); `withProjector`), standardised outputs for the "w/o norm" variants, trained by
 * {@link trainSimclr}. Then, in evaluation mode on the un-augmented readout images:
 * - before = backbone output (the pooled ResNet features, D dims);
 * - after = the projector output as the loss compares it: ℓ2-normalised for the regular variant, standardised (running
 *   statistics) for the w/o-norm variants.
 * `sets` chooses which readout sets to embed ('test' always). The model is disposed before returning.
 */
export async function trainSimclrVariant(options: {
  key: string
  seed: number
  variant: SimclrVariant
  config: ImageExperimentConfig & { projector: { outputDim: number } }
  images: ExperimentImages
  store: CheckpointStore
  log: (line: string) => void
  signal?: AbortSignal
  withTrainSet: boolean
}): Promise<BeforeAfterFeatures> {
  const { key, seed, variant, config, images } = options
  const size = config.augment.size
  const backbone = createBackbone(config.backbone, size, images.dataset.channels, seed)
  const model = withProjector(backbone, {
    hiddenDim: backbone.outputDim,
    outputDim: config.projector.outputDim,
    standardize: variant.standardize ? { trackRunningStats: true, epsilon: STANDARDIZE_EPSILON } : false,
    seed: stepSeed(seed, 'projector', 0),
  })
  try {
    const outcome = await trainSimclr({
      key,
      seed,
      images,
      augmentSize: size,
      variables: model.namedVariables,
      setTraining: (flag) => model.setTraining(flag),
      embed: (x) => model.apply(x),
      loss: { tau: variant.tau, normalize: variant.normalize },
      train: config.train,
      store: options.store,
      log: options.log,
      label: key,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    })
    model.setTraining(false)
    const represent = (x: tf.Tensor4D) => {
      const { features, projection } = model.applyBoth(x)
      return { before: features, after: variant.normalize ? l2Normalize(projection) : projection }
    }
    const test = await extractFeatures(images, images.dataset.test, images.readoutTest, size, config.evalBatchSize, represent)
    const train = options.withTrainSet ? await extractFeatures(images, images.dataset.train, images.readoutTrain, size, config.evalBatchSize, represent) : undefined
    return { ...(train !== undefined ? { train } : {}), test, lossHistory: outcome.lossHistory, trainSeconds: outcome.seconds }
  } finally {
    model.dispose()
  }
}

/**
 * A finished sub-run's result from the run's store, or run it and store the result: an interrupted experiment
 * resumes by skipping the finished sub-runs (and continuing the interrupted one from its checkpoint).
 */
export async function resumable<T>(store: CheckpointStore, key: string, log: (line: string) => void, run: () => Promise<T>): Promise<T> {
  const done = await store.loadResult<T>(key)
  if (done !== undefined) {
    log(`${key}: already finished (resumed run)`)
    return done
  }
  const r = await run()
  await store.saveResult(key, r)
  return r
}
