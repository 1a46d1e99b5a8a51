import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { countLeakedTensors, countLeakedTensorsAsync, withTidy } from './leak.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('leak helpers', () => {
  it('count 0 for a clean computation whose result is disposed by the helper', () => {
    expect(countLeakedTensors(() => tf.tidy(() => tf.add(tf.ones([3]), 1)))).toBe(0)
    expect(countLeakedTensors(() => ({ a: [tf.zeros([2])], b: tf.ones([1]) }))).toBe(0)
  })

  it('count tensors that escape', () => {
    let kept: tf.Tensor | undefined
    expect(countLeakedTensors(() => { kept = tf.ones([2]) })).toBe(1)
    kept?.dispose()
  })

  it('async variant', async () => {
    expect(await countLeakedTensorsAsync(async () => { const t = tf.ones([2]); await t.data(); return t })).toBe(0)
  })

  it('withTidy returns the result and throws TensorLeakError on kept intermediates', () => {
    const r = withTidy('clean', () => tf.mul(tf.ones([2]), 2))
    expect(Array.from(r.dataSync())).toEqual([2, 2])
    r.dispose()
    let escaped: tf.Tensor | undefined
    expect(() => withTidy('leaky', () => { escaped = tf.keep(tf.ones([1])); return tf.zeros([1]) })).toThrow(/leaky leaked 1 tensor/)
    escaped?.dispose()
  })
})
