/**
 * RandomResizedCrop as torchvision (`transforms.RandomResizedCrop.get_params`, then PIL crop + bilinear resize):
 * the crop parameters are drawn here in plain TS, and the resize is PIL's separable bilinear resampling
 * (`ImagingResample`, `precompute_coeffs`: half-pixel centres, edge handling by renormalising the weights inside the
 * crop, antialiasing support widened by the scale when downscaling) written as two per-image interpolation matrices,
 * so the tensor op is two batched matMuls (exact on every backend; a horizontal flip is the reversed column matrix).
 */
import * as tf from '@tensorflow/tfjs'
import type { Rng } from '@cl/core'

/** A crop box in pixels: rows top..top+height−1, columns left..left+width−1. */
export interface CropBox {
  readonly top: number
  readonly left: number
  readonly height: number
  readonly width: number
}

/** Python's round(): half to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v)
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/**
 * torchvision `RandomResizedCrop.get_params`: 10 attempts at an area fraction ~ U(scale) and a log-uniform aspect
 * ratio ~ ratio; the first box that fits wins, else the centre crop clamped to the ratio range.
 */
export function sampleCropBox(rng: Rng, height: number, width: number, scale: readonly [number, number], ratio: readonly [number, number]): CropBox {
  const area = height * width
  const logLo = Math.log(ratio[0])
  const logHi = Math.log(ratio[1])
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * rng.uniformRange(scale[0], scale[1])
    const aspect = Math.exp(rng.uniformRange(logLo, logHi))
    const w = roundHalfEven(Math.sqrt(targetArea * aspect))
    const h = roundHalfEven(Math.sqrt(targetArea / aspect))
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1)
      const left = rng.int(width - w + 1)
      return { top, left, height: h, width: w }
    }
  }
  const inRatio = width / height
  let w: number
  let h: number
  if (inRatio < Math.min(ratio[0], ratio[1])) {
    w = width
    h = roundHalfEven(w / Math.min(ratio[0], ratio[1]))
  } else if (inRatio > Math.max(ratio[0], ratio[1])) {
    h = height
    w = roundHalfEven(h * Math.max(ratio[0], ratio[1]))
  } else {
    w = width
    h = height
  }
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w }
}

/**
 * PIL bilinear resampling weights from the `length` pixels starting at `offset` (of `inSize`) to `outSize` pixels,
 * as a dense [outSize, inSize] row-major matrix (rows reversed when `reverse`).
 */
export function bilinearResampleMatrix(offset: number, length: number, inSize: number, outSize: number, reverse = false): Float32Array {
  const m = new Float32Array(outSize * inSize)
  const scale = length / outSize
  const filterScale = Math.max(scale, 1)
  const support = filterScale // bilinear filter support 1, widened when downscaling
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0)
    const xmax = Math.min(Math.trunc(center + support + 0.5), length)
    const weights: number[] = []
    let total = 0
    for (let x = xmin; x < xmax; x++) {
      const d = Math.abs((x - center + 0.5) / filterScale)
      const wgt = d < 1 ? 1 - d : 0
      weights.push(wgt)
      total += wgt
    }
    const row = reverse ? outSize - 1 - o : o
    for (let x = xmin; x < xmax; x++) m[row * inSize + offset + x] = total === 0 ? 0 : weights[x - xmin]! / total
  }
  return m
}

/**
 * Crop each image n of x [N,H,W,C] to `boxes[n]`, resize to size×size (PIL bilinear), flip horizontally where
 * `flips[n]`. Returns [N,size,size,C].
 */
export function resizedCropFlip(x: tf.Tensor4D, boxes: readonly CropBox[], flips: readonly boolean[], size: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  const ry = new Float32Array(n * size * h)
  const rx = new Float32Array(n * size * w)
  for (let i = 0; i < n; i++) {
    const b = boxes[i]!
    ry.set(bilinearResampleMatrix(b.top, b.height, h, size), i * size * h)
    rx.set(bilinearResampleMatrix(b.left, b.width, w, size, flips[i]!), i * size * w)
  }
  return tf.tidy(() => {
    const rows = tf.matMul(tf.tensor3d(ry, [n, size, h]), tf.reshape(x, [n, h, w * c])) // [N, S, W·C]
    const byColumn = tf.reshape(tf.transpose(tf.reshape(rows, [n, size, w, c]), [0, 2, 1, 3]), [n, w, size * c])
    const cols = tf.matMul(tf.tensor3d(rx, [n, size, w]), byColumn) // [N, Sx, Sy·C]
    return tf.transpose(tf.reshape(cols, [n, size, size, c]), [0, 2, 1, 3]) as tf.Tensor4D
  })
}
