import * as tf from '@tensorflow/tfjs'
import { ShapeMismatchError } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectGradClose, expectRel, fdGrad, randomMat, values, type Mat } from './test-oracles.js'
import { ntXent } from './nt-xent.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})


/**
 * Independent float64 NT-Xent following PatrickHua/SimSiam's NT_XentLoss literally: z = [z1; z2] (normalised),
 * S = z zᵀ/τ (τ per dim inside the dot product), logits_i = [S_{i,partner}, S_{i,j} for j ∉ {i, partner}],
 * cross-entropy with label 0, averaged over 2N rows.
 */
function ntXentReference(v1: Mat, v2: Mat, tau: number[], normalize: boolean) {
  const norm = (v: number[]) => {
    if (!normalize) return v
    const len = Math.sqrt(v.reduce((s, x) => s + x * x, 0))
    return v.map((x) => x / len)
  }
  const z = [...v1, ...v2].map(norm)
  const n = v1.length
  const sim = (a: number[], b: number[]) => a.reduce((s, x, k) => s + (x * b[k]!) / tau[k]!, 0)
  let align = 0
  let uniform = 0
  for (let i = 0; i < 2 * n; i++) {
    const partner = i < n ? i + n : i - n
    const pos = sim(z[i]!, z[partner]!)
    const logits = [pos]
    for (let j = 0; j < 2 * n; j++) if (j !== i && j !== partner) logits.push(sim(z[i]!, z[j]!))
    expect(logits.length).toBe(2 * n - 1)
    const m = Math.max(...logits)
    align -= pos
    uniform += m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0))
  }
  return { total: (align + uniform) / (2 * n), align: align / (2 * n), uniform: uniform / (2 * n) }
}

const N = 5
const D = 6

describe('ntXent vs float64 reference (SimSiam NT_XentLoss)', () => {
  const v1 = randomMat(21, N, D)
  const v2 = randomMat(22, N, D)
  const cases: { name: string; tau: number | number[]; normalize: boolean }[] = [
    { name: 'τ=0.5 default', tau: 0.5, normalize: true },
    { name: 'half τ=1, half τ=0.7 (§4.2)', tau: [1, 1, 1, 0.7, 0.7, 0.7], normalize: true },
    { name: 'w/o norm + diff. τ (Table 2)', tau: [1, 1, 1, 0.7, 0.7, 0.7], normalize: false },
  ]
  for (const c of cases) {
    const tauArr = typeof c.tau === 'number' ? new Array<number>(D).fill(c.tau) : c.tau
    it(`forward: ${c.name}`, () => {
      const ref = ntXentReference(v1, v2, tauArr, c.normalize)
      const a = tf.tensor2d(v1)
      const b = tf.tensor2d(v2)
      const got = values(ntXent(a, b, c.tau === 0.5 && c.normalize ? {} : { tau: c.tau, normalize: c.normalize }))
      tf.dispose([a, b])
      expectRel(got.total, ref.total)
      expectRel(got.align, ref.align)
      expectRel(got.uniform, ref.uniform)
    })
    it(`gradient vs finite differences: ${c.name}`, () => {
      const a = tf.tensor2d(v1)
      const b = tf.tensor2d(v2)
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        ntXent(x as tf.Tensor2D, y as tf.Tensor2D, { tau: c.tau, normalize: c.normalize }).total,
      )([a, b])
      expectGradClose(ga!, fdGrad((x) => ntXentReference(x, v2, tauArr, c.normalize).total, v1))
      expectGradClose(gb!, fdGrad((x) => ntXentReference(v1, x, tauArr, c.normalize).total, v2))
      tf.dispose([a, b, ga!, gb!])
    })
  }

  it('is symmetric in the two views', () => {
    const a = tf.tensor2d(v1)
    const b = tf.tensor2d(v2)
    expectRel(values(ntXent(a, b)).total, values(ntXent(b, a)).total, 1e-6)
    tf.dispose([a, b])
  })
})

describe('ntXent limit cases', () => {
  it('identical embeddings: total = log(2N − 1) (positive + 2N − 2 negatives)', () => {
    const c = tf.tidy(() => tf.tile(tf.tensor2d([[1, 2, 3, 4, 5, 6]]), [N, 1])) as tf.Tensor2D
    expectRel(values(ntXent(c, c)).total, Math.log(2 * N - 1))
    expectRel(values(ntXent(c, c, { tau: [1, 1, 1, 0.7, 0.7, 0.7], normalize: false })).total, Math.log(2 * N - 1))
    c.dispose()
  })

  it('identical views of orthogonal samples: total = log(1 + (2N−2)e^{−1/τ}) → 0', () => {
    const f = tf.eye(N, D) as tf.Tensor2D
    let previous = Number.POSITIVE_INFINITY
    for (const tau of [1, 0.5, 0.1, 0.03]) {
      const got = values(ntXent(f, f, { tau }))
      expectRel(got.total, Math.log(1 + (2 * N - 2) * Math.exp(-1 / tau)))
      expect(got.total).toBeLessThan(previous)
      previous = got.total
    }
    expect(previous).toBeLessThan(1e-6)
    f.dispose()
  })

  it('a vector τ with equal entries equals the scalar τ', () => {
    const a = tf.tensor2d(randomMat(23, N, D))
    const b = tf.tensor2d(randomMat(24, N, D))
    expectRel(values(ntXent(a, b, { tau: new Array<number>(D).fill(0.3) })).total, values(ntXent(a, b, { tau: 0.3 })).total, 1e-6)
    tf.dispose([a, b])
  })

  it('validates shapes', () => {
    const a = tf.ones([4, 3]) as tf.Tensor2D
    const b = tf.ones([4, 2]) as tf.Tensor2D
    expect(() => ntXent(a, b)).toThrow(ShapeMismatchError)
    tf.dispose([a, b])
  })
})
