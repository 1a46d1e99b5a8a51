import * as tf from '@tensorflow/tfjs'
import { evaluateInfoNce } from '@cl/infonce'
import { eq4Loss } from '../theory/linear-setup.js'

/** A batch of positive pairs as float64 host arrays (row-major [n, d]), as `Dgp.sampleArrays` returns them. */
export interface PairArrays {
  readonly n: number
  readonly x: Float64Array
  readonly xPositive: Float64Array
}

const matrix = (m: readonly (readonly number[])[]) => tf.tensor2d(m.map((r) => [...r]))
const rows = (a: Float64Array, n: number, d: number) => tf.tensor2d(Float32Array.from(a), [n, d])
const toRows = (t: tf.Tensor2D): number[][] => t.arraySync()

/**
 * The library's float32 eq. (4) (`evaluateInfoNce`, Lp p = 2, τ = 2, negatives j ≠ i — the same terms as `eq4Loss`,
 * row-chunked) of the linear encoder z = W·x on one batch. Leaves no tensors behind.
 */
export async function linearLossFloat32(batch: PairArrays, w: readonly (readonly number[])[], chunkSize = 512): Promise<number> {
  const d = w[0]!.length
  const [z, zp] = tf.tidy(() => {
    const wt = matrix(w)
    return [tf.matMul(rows(batch.x, batch.n, d), wt, false, true), tf.matMul(rows(batch.xPositive, batch.n, d), wt, false, true)] as [tf.Tensor2D, tf.Tensor2D]
  })
  try {
    const v = await evaluateInfoNce(z, zp, { loss: 'lp', p: 2, tau: 2, negatives: 'batch-excluding-self', chunkSize })
    return v.total
  } finally {
    tf.dispose([z, zp])
  }
}

/**
 * The nonlinear collapsed encoder of Prop. 1 / 5 (Appx. D.2, D.3): f_D = D ∘ g⁻¹ with g the invertible leaky-ReLU
 * MLP, written as a network with weight matrices V_1 = W_L⁻¹, …, V_L = W_1⁻¹ (applied in that order) and σ⁻¹
 * (slope 1/slope for negative inputs) between them: f_D(x) = D·V_L·σ⁻¹(V_{L−1}·…σ⁻¹(V_1·x)).
 * Returns eq. (4)'s float32 value and ∂L/∂V_k for every layer (each d×d `[out][in]`). Leaves no tensors behind.
 */
export function nonlinearGradients(
  batch: PairArrays,
  inverseLayers: readonly (readonly (readonly number[])[])[],
  slope: number,
  diagonal: readonly number[],
): { loss: number; gradients: number[][][] } {
  const d = diagonal.length
  return tf.tidy(() => {
    const x = rows(batch.x, batch.n, d)
    const xp = rows(batch.xPositive, batch.n, d)
    const dv = tf.tensor1d([...diagonal])
    const weights = inverseLayers.map(matrix)
    const encode = (input: tf.Tensor2D, vs: tf.Tensor[]) => {
      let h: tf.Tensor2D = input
      vs.forEach((v, k) => {
        h = tf.matMul(h, v as tf.Tensor2D, false, true)
        if (k < vs.length - 1) h = tf.where(tf.greaterEqual(h, 0), h, tf.div<tf.Tensor2D>(h, slope))
      })
      return tf.mul(h, dv) as tf.Tensor2D
    }
    const { value, grads } = tf.valueAndGrads((...vs: tf.Tensor[]) => eq4Loss(encode(x, vs), encode(xp, vs)).total as tf.Scalar)(weights)
    return { loss: value.dataSync()[0]!, gradients: grads.map((g) => toRows(g as tf.Tensor2D)) }
  })
}
