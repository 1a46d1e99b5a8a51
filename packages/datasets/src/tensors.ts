/** uint8 NHWC images → float32 [0,1] tensors, and per-channel normalisation (x − mean) / std. */
import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import type { ImageDataset, ImageSplit } from './dataset.js'

/** float32 [n, h, w, c] in [0,1] (pixel / 255) of the images of `split` at `indices`. */
export function imagesToTensor(split: ImageSplit, dataset: ImageDataset, indices: ArrayLike<number>): tf.Tensor4D {
  const { height: h, width: w, channels: c } = dataset
  const size = h * w * c
  if (split.images.length !== split.count * size) {
    throw new ShapeMismatchError('split.images', [split.count * size], [split.images.length])
  }
  const out = new Float32Array(indices.length * size)
  for (let n = 0; n < indices.length; n++) {
    const idx = indices[n]!
    if (!Number.isInteger(idx) || idx < 0 || idx >= split.count) {
      throw new InvalidConfigError(`indices[${n}]`, `an integer in [0, ${split.count - 1}]`, idx)
    }
    const src = idx * size
    const dst = n * size
    for (let p = 0; p < size; p++) out[dst + p] = split.images[src + p]! / 255
  }
  return tf.tensor4d(out, [indices.length, h, w, c], 'float32')
}

/** (x − mean) / std per channel with the dataset's `mean` and `std` (x: [n, h, w, channels]). */
export function normalizeImages(x: tf.Tensor4D, dataset: ImageDataset): tf.Tensor4D {
  const c = dataset.channels
  if (x.rank !== 4 || x.shape[3] !== c) throw new ShapeMismatchError('normalizeImages x', [null, null, null, c], x.shape)
  if (dataset.mean.length !== c) throw new InvalidConfigError('dataset.mean', `${c} per-channel values`, dataset.mean)
  if (dataset.std.length !== c || dataset.std.some((s) => !(s > 0))) throw new InvalidConfigError('dataset.std', `${c} per-channel values > 0`, dataset.std)
  return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d([...dataset.mean])), tf.tensor1d([...dataset.std])))
}
