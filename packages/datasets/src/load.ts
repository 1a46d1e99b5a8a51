/** Load a dataset by name (the experiments' `dataset` config key). */
import { InvalidConfigError } from '@cl/core'
import { loadCifar10, type Cifar10Options } from './cifar10.js'
import type { ImageDataset } from './dataset.js'
import { loadFashionMnist, type FashionMnistOptions } from './fashion-mnist.js'

export const IMAGE_DATASET_NAMES = ['cifar10', 'fashion-mnist'] as const
export type ImageDatasetName = (typeof IMAGE_DATASET_NAMES)[number]

export function loadImageDataset(name: 'cifar10', options?: Cifar10Options): Promise<ImageDataset>
export function loadImageDataset(name: 'fashion-mnist', options?: FashionMnistOptions): Promise<ImageDataset>
export function loadImageDataset(name: ImageDatasetName, options?: Cifar10Options | FashionMnistOptions): Promise<ImageDataset>
export function loadImageDataset(name: ImageDatasetName, options: Cifar10Options | FashionMnistOptions = {}): Promise<ImageDataset> {
  if (name === 'cifar10') return loadCifar10(options as Cifar10Options)
  if (name === 'fashion-mnist') return loadFashionMnist(options as FashionMnistOptions)
  return Promise.reject(new InvalidConfigError('dataset name', IMAGE_DATASET_NAMES.map((n) => `'${n}'`).join(' | '), name))
}
