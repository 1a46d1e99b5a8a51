/**
 * torchvision GaussianBlur with one σ per image: kernel `exp(−x²/2σ²)` on x = −k/2..k/2, normalised, applied separably
 * (outer product) with reflect padding (`F.gaussian_blur`). Batched as one depthwiseConv2d over [1, H, W, N·C] with
 * one kernel per (image, channel); images with σ = null get a delta kernel (exact identity). Forward depthwise exists
 * on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs'

/** torchvision `_get_gaussian_kernel1d`. */
export function gaussianKernel1d(kernelSize: number, sigma: number): Float64Array {
  const half = (kernelSize - 1) / 2
  const k = new Float64Array(kernelSize)
  let sum = 0
  for (let i = 0; i < kernelSize; i++) {
    const x = -half + i
    k[i] = Math.exp(-0.5 * (x / sigma) ** 2)
    sum += k[i]!
  }
  for (let i = 0; i < kernelSize; i++) k[i]! /= sum
  return k
}

/** Blur image n of x [N,H,W,C] with σ = sigmas[n] (null: unchanged). */
export function gaussianBlurPerImage(x: tf.Tensor4D, kernelSize: number, sigmas: readonly (number | null)[]): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  const nc = n * c
  const filter = new Float32Array(kernelSize * kernelSize * nc)
  const centre = (kernelSize - 1) / 2
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const k = sigma === null || sigma === undefined ? null : gaussianKernel1d(kernelSize, sigma)
    for (let ky = 0; ky < kernelSize; ky++) {
      for (let kx = 0; kx < kernelSize; kx++) {
        const v = k === null ? (ky === centre && kx === centre ? 1 : 0) : k[ky]! * k[kx]!
        for (let ch = 0; ch < c; ch++) filter[(ky * kernelSize + kx) * nc + i * c + ch] = v
      }
    }
  }
  const pad = centre
  return tf.tidy(() => {
    const stacked = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, nc]) as tf.Tensor4D
    const padded = pad > 0 ? tf.mirrorPad(stacked, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 'reflect') : stacked
    const out = tf.depthwiseConv2d(padded, tf.tensor4d(filter, [kernelSize, kernelSize, nc, 1]), 1, 'valid')
    return tf.transpose(tf.reshape(out, [h, w, n, c]), [2, 0, 1, 3]) as tf.Tensor4D
  })
}
