import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import type { CheckpointStore } from '@cl/train'
import type { ExperimentContext } from '../experiment.js'
import { createBackbone, extractFeatures, loadExperimentImages, readoutScore, resumable, trainSimclr, type ExperimentImages } from '../images/index.js'
import type { AppendixESeedResult } from './claims.js'
import type { AppendixEConfig } from './config.js'
import { channelAbsSums, meanRange, tailRelativeDifference } from './weights.js'

/**
 * One DirectCLR-style model (Appx. E, facebookresearch/directclr `--mode directclr`): a ResNet without projector,
 * zero-initialised residual BN γ, trained with NT-Xent (ℓ2-normalised, τ) on the first d dims of its output r only;
 * then, in evaluation mode on the un-augmented readout images, h (pooled input of the last block) and r = pooled
 * output, readouts on both, eq. 28's tail difference and the last residual conv's Σ|w| per output channel.
 */
export async function runDirectClrSeed(options: {
  key: string
  seed: number
  config: AppendixEConfig
  images: ExperimentImages
  store: CheckpointStore
  log: (line: string) => void
  signal?: AbortSignal
}): Promise<AppendixESeedResult> {
  const { key, seed, config, images } = options
  const size = config.augment.size
  const d = config.lossDims
  const resnet = createBackbone(config.backbone, size, images.dataset.channels, seed)
  try {
    if (resnet.blocks.at(-1)!.at(-1)!.downsample !== null) {
      throw new InvalidConfigError('config.backbone.arch', "an architecture whose last block has an identity shortcut (r = h + conv(h); e.g. 'resnet50', 'resnet18', 'resnet-small-2')", config.backbone.arch)
    }
    if (d >= resnet.outputDim) throw new InvalidConfigError('config.lossDims', `an integer < the backbone width ${resnet.outputDim} (${config.backbone.arch})`, d)
    const outcome = await trainSimclr({
      key,
      seed,
      images,
      augmentSize: size,
      variables: resnet.namedVariables,
      setTraining: (flag) => resnet.setTraining(flag),
      embed: (x) => tf.slice(resnet.apply(x), [0, 0], [-1, d]),
      loss: { tau: config.tau, normalize: true },
      train: config.train,
      store: options.store,
      log: options.log,
      label: key,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    })
    resnet.setTraining(false)
    const represent = (x: tf.Tensor4D) => resnet.applyHR(x)
    const test = await extractFeatures(images, images.dataset.test, images.readoutTest, size, config.evalBatchSize, represent)
    const train = await extractFeatures(images, images.dataset.train, images.readoutTrain, size, config.evalBatchSize, represent)
    const readoutH = 100 * readoutScore(images, train.h, test.h, config.readout).testAccuracy
    const readoutR = 100 * readoutScore(images, train.r, test.r, config.readout).testAccuracy
    const kernel = resnet.lastResidualConv
    const sums = channelAbsSums((await kernel.data()) as Float32Array, kernel.shape)
    const insideMean = meanRange(sums, 0, d)
    const outsideMean = meanRange(sums, d, sums.length)
    const tail = tailRelativeDifference(test.h, test.r, d)
    options.log(`${key}: readout h ${readoutH.toFixed(1)} %, r ${readoutR.toFixed(1)} %; mean Σ|w| inside ${insideMean.toPrecision(3)}, outside ${outsideMean.toPrecision(3)}; ‖r−h‖/‖h‖ on dims ≥ d ${tail.toExponential(2)}`)
    return { seed, readoutH, readoutR, channelAbsSums: sums, insideMean, outsideMean, tailRelativeDifference: tail, width: resnet.outputDim, lossHistory: outcome.lossHistory, trainSeconds: outcome.seconds }
  } finally {
    resnet.dispose()
  }
}

/** Every seed; finished seeds are resumed from the run's checkpoint store. */
export async function runAppendixE(experiment: string, context: ExperimentContext<AppendixEConfig>): Promise<{ results: AppendixESeedResult[]; source: string }> {
  const { config, seeds, store, log, signal } = context
  const images = await loadExperimentImages(config.data, log)
  const results: AppendixESeedResult[] = []
  for (const seed of seeds) {
    const key = `${experiment}-seed${seed}`
    results.push(await resumable(store, key, log, () => runDirectClrSeed({ key, seed, config, images, store, log, signal })))
  }
  return { results, source: images.dataset.source }
}
