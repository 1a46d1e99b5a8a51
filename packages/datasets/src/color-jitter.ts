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
  return tf.tidy(() => tf.broadcastTo(luma(x), x.shape) as T4)
}

/** torchvision `adjust_hue`: h ← (h + shift) mod 1 in HSV, shift ∈ [−0.5, 0.5]. */
export function adjustHue(x: T4, shift: tf.Tensor): T4 {
  if (x.shape[3] === 1) return x.clone()
  return tf.tidy(() => {
    const [r, g, b] = tf.split(x, 3, 3) as [T4, T4, T4]
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
    h = tf.mod(tf.add(h, shift), 1)
    const v = maxc
    // _hsv2rgb
    const h6 = tf.mul(h, 6)
    const iF = tf.floor(h6)
    const f = tf.sub(h6, iF)
    const i = tf.mod(iF, 6)
    const p = tf.clipByValue(tf.mul(v, tf.sub(1, s)), 0, 1)
    const q = tf.clipByValue(tf.mul(v, tf.sub(1, tf.mul(s, f))), 0, 1)
    const t = tf.clipByValue(tf.mul(v, tf.sub(1, tf.mul(s, tf.sub(1, f)))), 0, 1)
    const sector = [0, 1, 2, 3, 4, 5].map((k) => tf.cast(tf.equal(i, k), 'float32'))
    const pick = (vals: tf.Tensor[]) => tf.addN(vals.map((val, k) => tf.mul(sector[k]!, val)))
    const rOut = pick([v, q, p, p, t, v])
    const gOut = pick([t, v, v, q, p, p])
    const bOut = pick([p, p, t, v, v, q])
    return tf.concat([rOut, gOut, bOut], 3) as T4
  })
}
