import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { batchIndices, epochPermutation, imageBatches, stepsPerEpoch } from './batches.js'
import type { ImageDataset } from './dataset.js'

describe('batchIndices: epoch-wise seeded permutation, drop_last', () => {
  it('covers each index at most once per epoch, drops the remainder, and reshuffles the next epoch', () => {
    const count = 103
    const bs = 10
    expect(stepsPerEpoch(count, bs)).toBe(10)
    for (const epoch of [0, 1]) {
      const seen = new Set<number>()
      for (let s = 0; s < 10; s++) {
        const b = batchIndices(count, bs, 7, epoch * 10 + s)
        expect(b.length).toBe(bs)
        for (const i of b) {
          expect(i).toBeGreaterThanOrEqual(0)
          expect(i).toBeLessThan(count)
          seen.add(i)
        }
      }
      expect(seen.size).toBe(100)
    }
    expect(Array.from(batchIndices(count, bs, 7, 10))).not.toEqual(Array.from(batchIndices(count, bs, 7, 0)))
    expect(Array.from(batchIndices(count, bs, 7, 0))).not.toEqual(Array.from(batchIndices(count, bs, 8, 0)))
  })

  it('is a pure function of (count, batchSize, seed, step)', () => {
    const a = Array.from({ length: 25 }, (_, s) => Array.from(batchIndices(50, 4, 3, s)))
    const b = Array.from({ length: 25 }, (_, s) => Array.from(batchIndices(50, 4, 3, 24 - s))).reverse()
    expect(a).toEqual(b)
    const perm = epochPermutation(50, 3, 2)
    expect(Array.from(batchIndices(50, 4, 3, 2 * 12 + 5))).toEqual(Array.from(perm.slice(20, 24)))
    expect(Array.from(perm).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('permutations are uniform: each position holds each index about equally often', () => {
    const n = 5
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0))
    const epochs = 4000
    for (let e = 0; e < epochs; e++) epochPermutation(n, 11, e).forEach((v, pos) => counts[pos]![v]!++)
    const expected = epochs / n
    const sd = Math.sqrt(epochs * (1 / n) * (1 - 1 / n))
    for (const row of counts) for (const c of row) expect(Math.abs(c - expected)).toBeLessThan(5 * sd)
  })

  it('rejects a batch larger than the split, a negative step, a fractional seed', () => {
    expect(() => batchIndices(10, 11, 0, 0)).toThrow(expect.objectContaining({ field: 'batchSize' }))
    expect(() => batchIndices(10, 5, 0, -1)).toThrow(expect.objectContaining({ field: 'step' }))
    expect(() => batchIndices(10, 5, 0.5, 0)).toThrow(expect.objectContaining({ field: 'seed' }))
  })
})

const tiny: ImageDataset = {
  name: 'tiny',
  height: 2,
  width: 2,
  channels: 1,
  classNames: ['a', 'b'],
  train: { images: Uint8Array.from({ length: 20 * 4 }, (_, i) => i % 256), labels: Uint8Array.from({ length: 20 }, (_, i) => i % 2), count: 20 },
  test: { images: new Uint8Array(4), labels: new Uint8Array(1), count: 1 },
  mean: [0.5],
  std: [0.25],
  source: 'test',
}

describe('imageBatches', () => {
  it('streams batchIndices order from startStep with flat memory (numTensors unchanged after disposing each batch)', async () => {
    const before = tf.memory().numTensors
    const steps: number[] = []
    for await (const batch of imageBatches(tiny.train, tiny, { batchSize: 6, seed: 5, startStep: 2, steps: 7 })) {
      expect(Array.from(batch.indices)).toEqual(Array.from(batchIndices(20, 6, 5, batch.step)))
      expect(batch.epoch).toBe(Math.floor(batch.step / 3))
      expect(batch.images.shape).toEqual([6, 2, 2, 1])
      const px = batch.images.dataSync()
      expect(px[1]).toBeCloseTo(((batch.indices[0]! * 4 + 1) % 256) / 255, 6)
      expect(Array.from(batch.labels.dataSync())).toEqual(Array.from(batch.indices, (i) => i % 2))
      tf.dispose([batch.images, batch.labels])
      expect(tf.memory().numTensors).toBe(before)
      steps.push(batch.step)
    }
    expect(steps).toEqual([2, 3, 4, 5, 6, 7, 8])
  })
})
