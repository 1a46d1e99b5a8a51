import * as tf from '@tensorflow/tfjs'
import { countLeakedTensorsAsync, createRng, InvalidConfigError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { cosineInfoNce } from './cosine-infonce.js'
import { evaluateInfoNce } from './evaluate.js'
import { lpInfoNce } from './lp-infonce.js'
import { ntXent } from './nt-xent.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function randomTensor(seed: number, rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(createRng(seed).normalArray(rows * cols)), [rows, cols])
}

function values(terms: { total: tf.Scalar; align: tf.Scalar; uniform: tf.Scalar }) {
  const out = { total: terms.total.dataSync()[0]!, align: terms.align.dataSync()[0]!, uniform: terms.uniform.dataSync()[0]! }
  tf.dispose(terms)
  return out
}

function expectSame(a: { total: number; align: number; uniform: number }, b: { total: number; align: number; uniform: number }) {
  for (const key of ['total', 'align', 'uniform'] as const) {
    expect(Math.abs(a[key] - b[key])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(b[key])))
  }
}

describe('evaluateInfoNce (row-chunked, forward-only) equals the full path', () => {
  const n = 37
  const d = 5
  let f: tf.Tensor2D
  let fp: tf.Tensor2D
  let negs: tf.Tensor2D
  beforeAll(() => {
    f = randomTensor(31, n, d)
    fp = randomTensor(32, n, d)
    negs = randomTensor(33, 11, d)
  })
  const tau = [0.3, 0.5, 1, 1, 2]
  for (const chunkSize of [1, 8, 37, 100]) {
    it(`chunkSize ${chunkSize}`, async () => {
      expectSame(await evaluateInfoNce(f, fp, { loss: 'lp', chunkSize }), values(lpInfoNce(f, fp)))
      expectSame(
        await evaluateInfoNce(f, fp, { loss: 'lp', tau, p: 1.5, negatives: 'batch-excluding-self', chunkSize }),
        values(lpInfoNce(f, fp, { tau, p: 1.5, negatives: 'batch-excluding-self' })),
      )
      expectSame(await evaluateInfoNce(f, fp, { loss: 'lp', negatives: negs, tau: 0.5, chunkSize }), values(lpInfoNce(f, fp, { negatives: negs, tau: 0.5 })))
      expectSame(
        await evaluateInfoNce(f, fp, { loss: 'cosine', tau, negatives: 'batch-excluding-self', chunkSize }),
        values(cosineInfoNce(f, fp, { tau, negatives: 'batch-excluding-self' })),
      )
      expectSame(await evaluateInfoNce(f, fp, { loss: 'cosine', normalize: false, chunkSize }), values(cosineInfoNce(f, fp, { normalize: false })))
      const nt = await evaluateInfoNce(f, fp, { loss: 'nt-xent', tau, chunkSize })
      expect(nt.rows).toBe(2 * n)
      expectSame(nt, values(ntXent(f, fp, { tau })))
    })
  }

  it('is leak-free and validates chunkSize', async () => {
    expect(await countLeakedTensorsAsync(async () => { await evaluateInfoNce(f, fp, { loss: 'nt-xent', chunkSize: 7 }) })).toBe(0)
    await expect(evaluateInfoNce(f, fp, { loss: 'lp', chunkSize: 0 })).rejects.toThrow(InvalidConfigError)
    await expect(evaluateInfoNce(f, fp, { loss: 'cosine', tau: -1 })).rejects.toThrow(InvalidConfigError)
    expect(await countLeakedTensorsAsync(async () => { await evaluateInfoNce(f, fp, { loss: 'lp', tau: [1, 1] }).catch(() => undefined) })).toBe(0)
  })
})
