import * as tf from '@tensorflow/tfjs'
import { disposeBatch } from '@cl/core'
import { representationGradients } from '@cl/infonce'
import { estimateContentDims } from '@cl/metrics'
import { createLinearEncoder } from '@cl/models'
import { beforeAll, describe, expect, it } from 'vitest'
import { eq4Loss, theoryLinearDgp } from './linear-setup.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('estimateContentDims on the paper linear DGP (Prop. 2; d = 8, σ_s = 0.05, δ content)', () => {
  it('recovers d_c ∈ {1, 2, 3, 4} from one batch, an untrained linear encoder and eq. 4', () => {
    for (const [dc, seed] of [1, 2, 3, 4].flatMap((k) => [0, 1, 2].map((s) => [k, s] as const))) {
      for (const space of ['box', 'sphere'] as const) {
        const { dgp } = theoryLinearDgp({ space, dims: 8, contentDims: dc, sigmaStyle: 0.05, thresholdDraws: 200, seed })
        const f = createLinearEncoder({ inputDim: 8, seed: 10 + seed, name: `est-${dc}-${space}` })
        const before = tf.memory().numTensors
        const b = dgp.sample(512)
        const [z, zp] = [f.apply(b.x), f.apply(b.xPositive)] as [tf.Tensor2D, tf.Tensor2D]
        const g = representationGradients(z, zp, eq4Loss)
        tf.dispose([z, zp])
        disposeBatch(b)
        expect(tf.memory().numTensors).toBe(before)
        const e = estimateContentDims(g)
        expect(e.contentDims, `${space} d_c = ${dc}: ρ = ${e.values.map((v) => v.toExponential(2)).join(', ')}`).toBe(dc)
        // δ content: ρ_c is 0 up to round-off, so the gap is ≈ ln(ρ_s / 1e-6) ≈ 10 nats (a float32 accumulation of the
        // projected gradient left residues of ~1e-4 and margins of 1.6–6.8 here)
        expect(e.margin, `${space} d_c = ${dc} seed ${seed}`).toBeGreaterThan(8)
        f.dispose()
      }
    }
  })
})
