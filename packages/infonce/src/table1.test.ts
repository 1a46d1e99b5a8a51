import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { evaluateInfoNce } from './evaluate.js'

// The N = 10 000 check runs on wasm (XNNPACK matmul, SIMD exp): ~10× faster than the pure-JS cpu backend.
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true)
})

/**
 * Table 1, row f = g⁻¹, L_uniform column, τ = 1, d = 10, 10 000 uniform latents, identity encoder (cl-ica's losses):
 * box [0,1]^10 with Lp (p = 2) → 7.69 ± 0.20 (numpy re-computation 7.70); sphere S^9 with cosine → 9.26 ± 0.00.
 * Positives: box — 2 content dims copied, 8 style dims from a [0,1]-truncated N(z, 0.05²) (cl-ica's default
 * `--c-param 0.05`), so L_align ≈ 8·0.05² ≈ 0.02 as in Table 1; sphere — z̃ = z (only L_uniform is checked there).
 */
describe('Table 1 sanity (f = g⁻¹, N = 10 000, d = 10, τ = 1)', () => {
  const n = 10_000
  const d = 10
  it('box, Lp p = 2: L_uniform ≈ 7.70, L_align ≈ 0.02', async () => {
    const rng = createRng(2022)
    const z = rng.uniformArray(n * d)
    const zp = new Float64Array(n * d)
    for (let i = 0; i < n * d; i++) {
      const k = i % d
      if (k < 2) {
        zp[i] = z[i]!
        continue
      }
      let v: number
      do v = z[i]! + 0.05 * rng.normal()
      while (v < 0 || v > 1)
      zp[i] = v
    }
    const f = tf.tensor2d(Float32Array.from(z), [n, d])
    const fp = tf.tensor2d(Float32Array.from(zp), [n, d])
    const got = await evaluateInfoNce(f, fp, { loss: 'lp', p: 2, tau: 1, chunkSize: 500 })
    tf.dispose([f, fp])
    console.info(`Table 1 box: align ${got.align.toFixed(4)} uniform ${got.uniform.toFixed(4)} total ${got.total.toFixed(4)}`)
    expect(Math.abs(got.uniform - 7.7)).toBeLessThan(0.05)
    expect(Math.abs(got.align - 0.02)).toBeLessThan(0.005)
    expect(got.total).toBeCloseTo(got.align + got.uniform, 10)
  })

  it('sphere S^9 (normalised Gaussians), cosine: L_uniform ≈ 9.26', async () => {
    const rng = createRng(2023)
    const z = rng.normalArray(n * d)
    const f = tf.tensor2d(Float32Array.from(z), [n, d]) // cosineInfoNce normalises: uniform on S^9
    const got = await evaluateInfoNce(f, f, { loss: 'cosine', tau: 1, chunkSize: 500 })
    f.dispose()
    console.info(`Table 1 sphere: align ${got.align.toFixed(4)} uniform ${got.uniform.toFixed(4)}`)
    expect(Math.abs(got.uniform - 9.26)).toBeLessThan(0.01)
    expect(got.align).toBeCloseTo(-1, 5)
  })
})
