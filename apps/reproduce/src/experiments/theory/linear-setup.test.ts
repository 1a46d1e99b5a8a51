import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { eq4Loss, theoryLinearDgp } from './linear-setup.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('theory linear setup', () => {
  it('A·A⁻¹ = I and x = A·z on a sampled batch; δ content is copied exactly', () => {
    const { dgp, generator: a, inverse } = theoryLinearDgp({ space: 'box', dims: 4, contentDims: 2, sigmaStyle: 0.05, thresholdDraws: 50, seed: 3 })
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(a[i]!.reduce((s, v, k) => s + v * inverse[k]![j]!, 0)).toBeCloseTo(i === j ? 1 : 0, 10)
    const b = dgp.sampleArrays(5)
    for (let n = 0; n < 5; n++) {
      for (let i = 0; i < 4; i++) expect(b.x[n * 4 + i]).toBeCloseTo(a[i]!.reduce((s, v, k) => s + v * b.z[n * 4 + k]!, 0), 12)
      for (let k = 0; k < 2; k++) expect(b.zPositive[n * 4 + k]).toBe(b.z[n * 4 + k])
    }
  })

  it('eq4Loss: W = 0 gives log(M + 1) per anchor (Appx. C, L_CL0 / ((M+1)·M)); matches a float64 computation', () => {
    const n = 7
    const before = tf.memory().numTensors
    const zeros = tf.zeros([n, 3]) as tf.Tensor2D
    const t0 = eq4Loss(zeros, zeros)
    expect(t0.total.dataSync()[0]).toBeCloseTo(Math.log(n), 5)
    tf.dispose([zeros, t0.total, t0.align, t0.uniform])
    const z = [...Array(n)].map((_, i) => [Math.sin(i), Math.cos(2 * i), 0.3 * i])
    const zp = z.map((r, i) => r.map((v, k) => v + 0.1 * Math.sin(i + k)))
    const sq = (a: number[], b: number[]) => a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0)
    let want = 0
    for (let i = 0; i < n; i++) {
      const pos = -sq(z[i]!, zp[i]!) / 2
      const terms = [pos, ...z.flatMap((zj, j) => (j === i ? [] : [-sq(z[i]!, zj) / 2]))]
      const m = Math.max(...terms)
      want += -pos + m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0))
    }
    const zt = tf.tensor2d(z)
    const zpt = tf.tensor2d(zp)
    const t = eq4Loss(zt, zpt)
    expect(t.total.dataSync()[0]).toBeCloseTo(want / n, 5)
    tf.dispose([zt, zpt, t.total, t.align, t.uniform])
    expect(tf.memory().numTensors).toBe(before)
  })
})
