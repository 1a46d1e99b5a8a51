/**
 * Colour operations of torchvision's ColorJitter / RandomGrayscale on batched [0,1] NHWC tensors with one factor per
 * image ([N,1,1,1] tensors). Each op blends and clamps to [0,1] as torchvision's `_blend`. Luma uses the ITU-R 601-2
 * weights of torchvision `rgb_to_grayscale` (0.299, 0.587, 0.114). Hue rotates the H of HSV, ported from torchvision's
 * tensor `_rgb2hsv` / `_hsv2rgb` (exact HSV, not a YIQ approximation). Saturation, hue and grayscale are identities on
 * 1-channel images (as torchvision).
 */
import * as tf from '@tensorflow/tfjs'

type T4 = tf.Tensor4D

/** ITU-R 601-2 luma, [N,H,W,1] (the image itself when it has 1 channel). */
export function luma(x: T4): T4 {
  if (x.shape[3] === 1) return x.clone()
  return tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), 3, true) as T4)
}

/** clamp(ratio·a + (1 − ratio)·b, 0, 1), torchvision `_blend`. */
function blend(a: tf.Tensor, b: tf.Tensor, ratio: tf.Tensor): T4 {
  return tf.clipByValue(tf.add(tf.mul(ratio, a), tf.mul(tf.sub(1, ratio), b)), 0, 1) as T4
}

/** torchvision `adjust_brightness`: clamp(x·f). */
export function adjustBrightness(x: T4, factor: tf.Tensor): T4 {
  return tf.tidy(() => tf.clipByValue(tf.mul(x, factor), 0, 1) as T4)
}

/** torchvision `adjust_contrast`: blend with the image's mean luma. */
export function adjustContrast(x: T4, factor: tf.Tensor): T4 {
  return tf.tidy(() => blend(x, tf.mean(luma(x), [1, 2, 3], true), factor))
}

/** torchvision `adjust_saturation`: blend with the luma image. */
export function adjustSaturation(x: T4, factor: tf.Tensor): T4 {
  if (x.shape[3] === 1) return x.clone()
  return tf.tidy(() => blend(x, luma(x), factor))
}

/** torchvision `rgb_to_grayscale` broadcast back to the image's channels. */
export function toGrayscale(x: T4): T4 {
  return tf.tidy(() => tf.mul(luma(x), tf.ones([x.shape[3]])) as T4)
}

/**
 * Per image n: `a[n]` where mask[n], else `b[n]`, as a·m + b·(1 − m) with m ∈ {0, 1} (exact: x·1 + y·0 = x), which
 * broadcasts a [N,H,W,1] `a` over b's channels and avoids materialising a broadcast boolean mask.
 */
export function selectPerImage(mask: readonly boolean[], a: tf.Tensor, b: T4): T4 {
  return tf.tidy(() => {
    const m = tf.tensor4d(Float32Array.from(mask, (v) => (v ? 1 : 0)), [mask.length, 1, 1, 1])
    return tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m))) as T4
  })
}

/** torchvision `adjust_hue`: h ← (h + shift) mod 1 in HSV, shift ∈ [−0.5, 0.5] (a scalar or one per image, [N,1,1,1]). */
export function adjustHue(x: T4, shift: tf.Tensor): T4 {
  if (x.shape[3] === 1) return x.clone()
  return tf.tidy(() => {
    // channel-first once: slicing the leading axis is a contiguous copy (splitting the last axis is slow on cpu/wasm)
    const xc = tf.transpose(x, [3, 0, 1, 2])
    const [n, hh, ww] = x.shape
    const plane = (c: number) => tf.slice(xc, [c, 0, 0, 0], [1, n, hh, ww])
    const [r, g, b] = [plane(0), plane(1), plane(2)]
    const shiftCf = tf.reshape(shift, [1, ...(shift.rank === 4 ? [shift.shape[0]!, 1, 1] : [1, 1, 1])])
    const maxc = tf.maximum(tf.maximum(r, g), b)
    const minc = tf.minimum(tf.minimum(r, g), b)
    const eqc = tf.equal(maxc, minc)
    const cr = tf.sub(maxc, minc)
    const ones = tf.onesLike(maxc)
    const s = tf.div(cr, tf.where(eqc, ones, maxc))
    const crDivisor = tf.where(eqc, ones, cr)
    const rc = tf.div(tf.sub(maxc, r), crDivisor)
    const gc = tf.div(tf.sub(maxc, g), crDivisor)
    const bc = tf.div(tf.sub(maxc, b), crDivisor)
    const isR = tf.equal(maxc, r)
    const isG = tf.logicalAnd(tf.equal(maxc, g), tf.logicalNot(isR))
    const isB = tf.logicalAnd(tf.logicalNot(tf.equal(maxc, g)), tf.logicalNot(isR))
    const hr = tf.mul(tf.cast(isR, 'float32'), tf.sub(bc, gc))
    const hg = tf.mul(tf.cast(isG, 'float32'), tf.add(2, tf.sub(rc, bc)))
    const hb = tf.mul(tf.cast(isB, 'float32'), tf.add(4, tf.sub(gc, rc)))
    let h = tf.mod(tf.add(tf.div(tf.add(tf.add(hr, hg), hb), 6), 1), 1)
    h = tf.mod(tf.add(h, shiftCf), 1)
    // _hsv2rgb in the closed form channel = v·(1 − s·clamp(min(k, 4 − k), 0, 1)), k = (n + 6h) mod 6 with n = 5, 3, 1
    // for r, g, b: the same values as torchvision's six-sector table (p, q, t already lie in [0,1] for s, v ∈ [0,1]).
    const k = tf.mod(tf.add(tf.mul(h, 6), tf.tensor4d([5, 3, 1], [3, 1, 1, 1])), 6) // [3, N, H, W]
    const ramp = tf.clipByValue(tf.minimum(k, tf.sub(4, k)), 0, 1)
    return tf.transpose(tf.mul(maxc, tf.sub(1, tf.mul(s, ramp))), [1, 2, 3, 0]) as T4
  })
}
