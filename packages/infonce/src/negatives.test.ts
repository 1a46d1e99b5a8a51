import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { countLeakedTensors } from '@cl/core'
import { afterAll, describe, expect, it } from 'vitest'
import { uniformityLoss } from './alignment-uniformity.js'
import { cosineInfoNce } from './cosine-infonce.js'
import { MASK_VALUE } from './logsumexp.js'
import { selfMask } from './negatives.js'
import { randomMat } from './test-oracles.js'

afterAll(async () => {
  await tf.setBackend('cpu')
})

/** Float64 log Σ exp of a list. */
function lse64(xs: number[]): number {
  const m = Math.max(...xs)
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0))
}

describe.each(['cpu', 'wasm'] as const)('selfMask on %s', (backend) => {
  it('is MASK_VALUE exactly at (i, start + i) and 0 elsewhere (wasm float oneHot wrote −916.8)', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    for (const [start, end, cols] of [[0, 4, 4], [2, 5, 7], [0, 1, 1], [3, 6, 4]] as const) {
      const mask = selfMask(start, end, cols)
      expect(mask.shape).toEqual([end - start, cols])
      const got = mask.arraySync()
      mask.dispose()
      got.forEach((row, i) => row.forEach((v, j) => expect(v === (j === start + i ? MASK_VALUE : 0), `(${i}, ${j}): ${v}`).toBe(true)))
    }
    expect(countLeakedTensors(() => selfMask(1, 3, 5))).toBe(0)
  })

  it('stock cosine InfoNCE excluding self with logits > 1000 (τ = 0.002, no normalisation) matches float64', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    const [n, d, tau] = [5, 3, 0.002]
    const fMat = randomMat(7, n, d, 1.5)
    const fpMat = randomMat(8, n, d, 1.5)
    const f = tf.tensor2d(fMat)
    const fp = tf.tensor2d(fpMat)
    const dot = (x: number[], y: number[]) => x.reduce((s, v, k) => s + v * y[k]!, 0)
    // −s(f_i, f⁺_i)/τ + log(exp s(f_i, f⁺_i)/τ + Σ_{j≠i} exp s(f_i, f_j)/τ), averaged: self logits |f_i|²/τ ≫ 1000
    let want = 0
    for (let i = 0; i < n; i++) {
      const pos = dot(fMat[i]!, fpMat[i]!) / tau
      const others = fMat.flatMap((fj, j) => (j === i ? [] : [dot(fMat[i]!, fj) / tau]))
      want += (lse64([pos, ...others]) - pos) / n
    }
    expect(Math.max(...fMat.map((r) => dot(r, r) / tau))).toBeGreaterThan(1000)
    const terms = cosineInfoNce(f, fp, { tau, normalize: false, negatives: 'batch-excluding-self', implementation: 'stock' })
    const got = terms.total.dataSync()[0]!
    tf.dispose([terms, f, fp])
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want))
  })

  it('uniformityLoss with pairwise −t·d² < −1000 matches float64 (the self terms stay excluded)', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    const fMat = [[0, 0], [30, 0], [0, 30], [30, 30]]
    const f = tf.tensor2d(fMat)
    const terms: number[] = []
    fMat.forEach((x, i) => fMat.forEach((y, j) => i !== j && terms.push(-2 * ((x[0]! - y[0]!) ** 2 + (x[1]! - y[1]!) ** 2))))
    const want = lse64(terms) - Math.log(12)
    const u = uniformityLoss(f)
    const got = u.dataSync()[0]!
    tf.dispose([u, f])
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want))
  })
})
