/**
 * Seeded mini-batches: each epoch is a seeded permutation of the split (Fisher–Yates on `createRng(seed).fork(epoch)`),
 * cut into ⌊count / batchSize⌋ batches (drop_last, as PatrickHua/SimSiam's loaders). Step s belongs to epoch
 * ⌊s / stepsPerEpoch⌋, so any step's batch is computable without iterating (resume at a step).
 */
import * as tf from '@tensorflow/tfjs'
import { assertIntegerInRange, assertOptionKeys, createRng } from '@cl/core'
import type { ImageDataset, ImageSplit } from './dataset.js'
import { imagesToTensor } from './tensors.js'

/** Full batches per epoch: ⌊count / batchSize⌋ (the last partial batch is dropped). */
export function stepsPerEpoch(count: number, batchSize: number): number {
  assertIntegerInRange('count', count, 1)
  assertIntegerInRange('batchSize', batchSize, 1, count)
  return Math.floor(count / batchSize)
}

let cached: { count: number; seed: number; epoch: number; perm: Int32Array } | undefined

/** The seeded permutation of 0..count−1 for `epoch` (Fisher–Yates, unbiased integer draws). */
export function epochPermutation(count: number, seed: number, epoch: number): Int32Array {
  assertIntegerInRange('count', count, 1)
  assertIntegerInRange('epoch', epoch, 0)
  if (cached !== undefined && cached.count === count && cached.seed === seed && cached.epoch === epoch) return cached.perm.slice()
  const rng = createRng(seed).fork(`epoch:${epoch}`)
  const perm = new Int32Array(count)
  for (let i = 0; i < count; i++) perm[i] = i
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = perm[i]!
    perm[i] = perm[j]!
    perm[j] = t
  }
  cached = { count, seed, epoch, perm }
  return perm.slice()
}

/** Indices of the batch at global `step` (0-based): batch `step mod stepsPerEpoch` of epoch `⌊step / stepsPerEpoch⌋`. */
export function batchIndices(count: number, batchSize: number, seed: number, step: number): Int32Array {
  const perEpoch = stepsPerEpoch(count, batchSize)
  assertIntegerInRange('step', step, 0)
  const epoch = Math.floor(step / perEpoch)
  const within = step - epoch * perEpoch
  return epochPermutation(count, seed, epoch).slice(within * batchSize, (within + 1) * batchSize)
}

export interface ImageBatchOptions {
  batchSize: number
  seed: number
  /** First global step (default 0): resume mid-run. */
  startStep?: number
  /** Number of batches to yield (default: unbounded). */
  steps?: number
}

/** One batch of {@link imageBatches}; the caller owns (and disposes) `images` and `labels`. */
export interface ImageBatch {
  readonly step: number
  readonly epoch: number
  readonly indices: Int32Array
  /** float32 [batch, h, w, c] in [0,1]. */
  readonly images: tf.Tensor4D
  /** int32 [batch]. */
  readonly labels: tf.Tensor1D
}

/**
 * Stream batches of `split` in {@link batchIndices} order. Only one batch is materialised per iteration, so memory stays
 * flat as long as the caller disposes each batch's tensors.
 */
export async function* imageBatches(split: ImageSplit, dataset: ImageDataset, options: ImageBatchOptions): AsyncGenerator<ImageBatch, void, void> {
  assertOptionKeys('imageBatches options', options, ['batchSize', 'seed', 'startStep', 'steps'])
  const perEpoch = stepsPerEpoch(split.count, options.batchSize)
  const start = options.startStep ?? 0
  assertIntegerInRange('startStep', start, 0)
  if (options.steps !== undefined) assertIntegerInRange('steps', options.steps, 0)
  const end = options.steps === undefined ? Infinity : start + options.steps
  for (let step = start; step < end; step++) {
    const indices = batchIndices(split.count, options.batchSize, options.seed, step)
    const labels = new Int32Array(indices.length)
    for (let i = 0; i < indices.length; i++) labels[i] = split.labels[indices[i]!]!
    yield { step, epoch: Math.floor(step / perEpoch), indices, images: imagesToTensor(split, dataset, indices), labels: tf.tensor1d(labels, 'int32') }
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
