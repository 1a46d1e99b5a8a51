import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors } from '@cl/core'
import { describe, expect, it } from 'vitest'
import type { ImageDataset } from './dataset.js'
import { imagesToTensor, normalizeImages } from './tensors.js'

const rgb: ImageDataset = {
  name: 'rgb',
  height: 2,
  width: 3,
  channels: 3,
  classNames: ['x'],
  train: { images: Uint8Array.from({ length: 4 * 18 }, (_, i) => (i * 37) % 256), labels: new Uint8Array(4), count: 4 },
  test: { images: new Uint8Array(18), labels: new Uint8Array(1), count: 1 },
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  source: 'test',
}

describe('imagesToTensor / normalizeImages', () => {
  it('gathers the images at the indices as float32 [0,1] NHWC', () => {
    const x = imagesToTensor(rgb.train, rgb, [3, 0, 3])
    expect(x.shape).toEqual([3, 2, 3, 3])
    const v = x.dataSync()
    ;[3, 0, 3].forEach((idx, n) => {
      for (let p = 0; p < 18; p++) expect(v[n * 18 + p]).toBeCloseTo(rgb.train.images[idx * 18 + p]! / 255, 7)
    })
    x.dispose()
  })

  it('normalises per channel, (x − mean_c) / std_c, against a float64 computation', () => {
    const x = imagesToTensor(rgb.train, rgb, [1, 2])
    const xs = x.dataSync()
    const y = normalizeImages(x, rgb)
    const ys = y.dataSync()
    for (let i = 0; i < ys.length; i++) expect(ys[i]).toBeCloseTo((xs[i]! - rgb.mean[i % 3]!) / rgb.std[i % 3]!, 5)
    expect(countLeakedTensors(() => normalizeImages(x, rgb))).toBe(0)
    tf.dispose([x, y])
  })

  it('rejects indices out of range and tensors with the wrong channel count', () => {
    expect(() => imagesToTensor(rgb.train, rgb, [4])).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', field: 'indices[0]' }))
    expect(() => imagesToTensor(rgb.train, rgb, [0, -1])).toThrow(expect.objectContaining({ field: 'indices[1]' }))
    const gray = tf.zeros([1, 2, 3, 1]) as tf.Tensor4D
    expect(() => normalizeImages(gray, rgb)).toThrow(expect.objectContaining({ code: 'CL_SHAPE_MISMATCH' }))
    gray.dispose()
  })
})
