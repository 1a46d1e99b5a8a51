import type { FeatureMatrix } from '../images/features.js'

/**
 * Fig. 4's per-output-channel weight magnitude of a convolution kernel [k, k, in, out] (tfjs layout): Σ|w| over the
 * kernel positions and input channels (Appx. E: "we sum over the 512 channels" of layer4.2.conv3, a 1×1 conv).
 */
export function channelAbsSums(kernel: Float32Array | readonly number[], shape: readonly number[]): number[] {
  const out = shape[shape.length - 1]!
  const sums = new Array<number>(out).fill(0)
  for (let i = 0; i < kernel.length; i++) sums[i % out]! += Math.abs(kernel[i]!)
  return sums
}

/** Mean of `values[from..to)`. */
export function meanRange(values: readonly number[], from: number, to: number): number {
  let s = 0
  for (let i = from; i < to; i++) s += values[i]!
  return s / Math.max(1, to - from)
}

/**
 * Eq. 28 check: ‖r[:, d:] − h[:, d:]‖_F / ‖h[:, d:]‖_F over the test representations (0 when the residual branch is
 * exactly zero on the channels outside the loss).
 */
export function tailRelativeDifference(h: FeatureMatrix, r: FeatureMatrix, d: number): number {
  const [n, width] = h.shape
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    for (let j = d; j < width; j++) {
      const a = h.data[i * width + j]!
      const b = r.data[i * width + j]!
      num += (b - a) ** 2
      den += a ** 2
    }
  }
  return den > 0 ? Math.sqrt(num / den) : num > 0 ? Infinity : 0
}
