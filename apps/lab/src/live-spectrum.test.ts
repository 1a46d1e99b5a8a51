import * as tf from '@tensorflow/tfjs'
import { normalizedSingularValues } from '@cl/metrics'
import { beforeAll, describe, expect, it } from 'vitest'
import { pickKernel, readSpectrum, spectrumLayerOf } from './live-spectrum.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('the live spectrum', () => {
  it('picks W of the linear encoder for fig1-spectrum and the output layer of the MLPs otherwise', () => {
    const names = ['dense_10/kernel', 'dense_2/kernel', 'dense_2/bias', 'dense_0/kernel', 'adaptiveTau']
    expect(pickKernel(names, spectrumLayerOf('fig1-spectrum'))).toBe('dense_0/kernel')
    expect(pickKernel(names, spectrumLayerOf('table1'))).toBe('dense_10/kernel')
    expect(pickKernel(['x/bias'], 'first')).toBeUndefined()
  })

  it('reads normalised singular values from a copy it disposes, leaving the variable alone', async () => {
    const w = tf.variable(tf.tensor2d([[3, 0, 0], [0, 1, 0], [0, 0, 0.5]]), true, 'lab_test/dense_0/kernel')
    const before = tf.memory().numTensors
    const s = await readSpectrum(new Map([['dense_0/kernel', w]]), 'first')
    expect(tf.memory().numTensors).toBe(before)
    expect(s!.matrix).toBe('dense_0/kernel')
    expect(s!.values.map((v) => Number(v.toFixed(6)))).toEqual([1, 0.333333, 0.166667])
    expect(s!.values).toEqual(normalizedSingularValues(w as unknown as tf.Tensor2D))
    expect(w.isDisposed).toBe(false)
    w.dispose()
  })
})
