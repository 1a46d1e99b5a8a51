export type { ImageDataset, ImageSplit } from './dataset.js'
export { DatasetFileError, ChecksumMismatchError, DownloadError, MissingDatasetPackageError, type DatasetFileProblem } from './errors.js'
export {
  loadCifar10,
  defaultCacheDir,
  CIFAR10_CLASS_NAMES,
  CIFAR10_FILE_BYTES,
  CIFAR10_RECORD_BYTES,
  CIFAR10_RECORDS_PER_FILE,
  CIFAR10_TRAIN_FILES,
  CIFAR10_TEST_FILE,
  CIFAR10_FOLDER,
  IMAGENET_MEAN,
  IMAGENET_STD,
  type Cifar10Options,
} from './cifar10.js'
export { CIFAR10_ARCHIVE_URL, CIFAR10_ARCHIVE_MD5 } from './download.js'
export {
  loadFashionMnist,
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_TRAIN_PER_CLASS,
  FASHION_MNIST_TEST_PER_CLASS,
  type FashionMnistOptions,
} from './fashion-mnist.js'
export { loadImageDataset, IMAGE_DATASET_NAMES, type ImageDatasetName } from './load.js'
export { batchIndices, epochPermutation, stepsPerEpoch, imageBatches, type ImageBatch, type ImageBatchOptions } from './batches.js'
export { imagesToTensor, normalizeImages } from './tensors.js'
export {
  simclrAugment,
  simclrViews,
  sampleSimclrParams,
  viewSeed,
  SIMCLR_CIFAR_AUGMENT,
  type SimclrAugmentOptions,
  type SimclrImageParams,
  type JitterOp,
  type ColorJitterOptions,
  type GaussianBlurOptions,
} from './simclr-augment.js'
export { type CropBox } from './resized-crop.js'
