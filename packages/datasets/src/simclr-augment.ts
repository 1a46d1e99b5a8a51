/**
 * The SimCLR augmentation of PatrickHua/SimSiam (`augmentations/simclr_aug.py`), used for the paper's CIFAR-10
 * experiments (§4.2): RandomResizedCrop → RandomHorizontalFlip → RandomApply(ColorJitter, p) → RandomGrayscale →
 * RandomApply(GaussianBlur, p), as batched tensor ops with seeded per-image parameters.
 *
 * Randomness: image n of a batch draws all its parameters, in plain TS, from `createRng(seed).fork(n)` (so a view is
 * the same on every backend and call, and does not depend on the batch's other images). ColorJitter applies its four
 * adjustments in a random order per image, as torchvision. Difference from torchvision, which works on uint8 PIL
 * images: values stay float32 (no rounding to uint8 between ops).
 */
import * as tf from '@tensorflow/tfjs'
import { assertIntegerInRange, assertOptionKeys, createRng, InvalidConfigError, ShapeMismatchError } from '@cl/core'
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, luma, selectPerImage } from './color-jitter.js'
import type { ImageDataset } from './dataset.js'
import { gaussianBlurPerImage } from './gaussian-blur.js'
import { resizedCropFlip, sampleCropBox, type CropBox } from './resized-crop.js'
import { normalizeImages } from './tensors.js'

export interface ColorJitterOptions {
  /** Brightness factor ~ U[max(0, 1 − b), 1 + b]. */
  brightness: number
  /** Contrast factor ~ U[max(0, 1 − c), 1 + c]. */
  contrast: number
  /** Saturation factor ~ U[max(0, 1 − s), 1 + s]. */
  saturation: number
  /** Hue shift ~ U[−h, h], h ∈ [0, 0.5]. */
  hue: number
  /** Probability the jitter is applied to an image (RandomApply). */
  probability: number
}

export interface GaussianBlurOptions {
  /** Odd kernel size (SimSiam: 32 // 20 · 2 + 1 = 3 at 32 px). */
  kernelSize: number
  /** σ ~ U[sigma[0], sigma[1]]. */
  sigma: [number, number]
  probability: number
}

export interface SimclrAugmentOptions {
  /** Output side in pixels (default: the input height). */
  size?: number
  /** Area fraction range of the crop (torchvision `scale`). */
  cropScale?: [number, number]
  /** Aspect-ratio range of the crop (torchvision `ratio`), sampled log-uniformly. */
  cropRatio?: [number, number]
  flipProbability?: number
  jitter?: ColorJitterOptions
  grayscaleProbability?: number
  blur?: GaussianBlurOptions | null
}

/**
 * PatrickHua/SimSiam `SimCLRTransform` at image_size 32: RandomResizedCrop(32, scale=(0.2, 1.0)) (torchvision default
 * ratio (3/4, 4/3)), RandomHorizontalFlip(), RandomApply([ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8),
 * RandomGrayscale(p=0.2), RandomApply([GaussianBlur(kernel_size=32//20*2+1=3, sigma=(0.1, 2.0))], p=0.5).
 */
export const SIMCLR_CIFAR_AUGMENT: Required<SimclrAugmentOptions> = Object.freeze({
  size: 32,
  cropScale: [0.2, 1.0],
  cropRatio: [3 / 4, 4 / 3],
  flipProbability: 0.5,
  jitter: { brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, probability: 0.8 },
  grayscaleProbability: 0.2,
  blur: { kernelSize: 3, sigma: [0.1, 2.0], probability: 0.5 },
}) as Required<SimclrAugmentOptions>

export type JitterOp = 'brightness' | 'contrast' | 'saturation' | 'hue'
const JITTER_OPS: readonly JitterOp[] = ['brightness', 'contrast', 'saturation', 'hue']

/** The random parameters of one image's view. */
export interface SimclrImageParams {
  readonly crop: CropBox
  readonly flip: boolean
  /** null when the jitter was not applied. */
  readonly jitter: {
    readonly brightness: number
    readonly contrast: number
    readonly saturation: number
    readonly hue: number
    /** The order the four adjustments are applied in (torchvision `torch.randperm(4)`); ops with amount 0 are skipped. */
    readonly order: readonly JitterOp[]
  } | null
  readonly grayscale: boolean
  /** null when the blur was not applied. */
  readonly blurSigma: number | null
}

type Resolved = Required<SimclrAugmentOptions>

function probability(field: string, p: unknown): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InvalidConfigError(field, 'a probability in [0, 1]', p)
}

function range(field: string, r: unknown, min: number, max: number): void {
  if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number' || !(r[0] > min && r[0] <= r[1] && r[1] <= max)) {
    throw new InvalidConfigError(field, `[low, high] with ${min} < low ≤ high ≤ ${max}`, r)
  }
}

/** Validate options and fill the missing ones from {@link SIMCLR_CIFAR_AUGMENT} (size: `defaultSize`). */
export function resolveSimclrOptions(options: SimclrAugmentOptions, defaultSize: number): Resolved {
  assertOptionKeys('simclrAugment options', options, ['size', 'cropScale', 'cropRatio', 'flipProbability', 'jitter', 'grayscaleProbability', 'blur'])
  const d = SIMCLR_CIFAR_AUGMENT
  const o: Resolved = {
    size: options.size ?? defaultSize,
    cropScale: options.cropScale ?? d.cropScale,
    cropRatio: options.cropRatio ?? d.cropRatio,
    flipProbability: options.flipProbability ?? d.flipProbability,
    jitter: options.jitter ?? d.jitter,
    grayscaleProbability: options.grayscaleProbability ?? d.grayscaleProbability,
    blur: options.blur === undefined ? d.blur : options.blur,
  }
  assertIntegerInRange('size', o.size, 1, 4096)
  range('cropScale', o.cropScale, 0, 1)
  range('cropRatio', o.cropRatio, 0, Infinity)
  probability('flipProbability', o.flipProbability)
  assertOptionKeys('jitter', o.jitter, ['brightness', 'contrast', 'saturation', 'hue', 'probability'])
  for (const key of ['brightness', 'contrast', 'saturation'] as const) {
    const v = o.jitter[key]
    if (typeof v !== 'number' || !(v >= 0 && Number.isFinite(v))) throw new InvalidConfigError(`jitter.${key}`, 'a finite number ≥ 0', v)
  }
  if (typeof o.jitter.hue !== 'number' || !(o.jitter.hue >= 0 && o.jitter.hue <= 0.5)) throw new InvalidConfigError('jitter.hue', 'a number in [0, 0.5]', o.jitter.hue)
  probability('jitter.probability', o.jitter.probability)
  probability('grayscaleProbability', o.grayscaleProbability)
  if (o.blur !== null) {
    assertOptionKeys('blur', o.blur, ['kernelSize', 'sigma', 'probability'])
    const k = o.blur.kernelSize
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k % 2 !== 1 || (k - 1) / 2 >= o.size) {
      throw new InvalidConfigError('blur.kernelSize', `an odd integer ≥ 1 with (kernelSize − 1) / 2 < size = ${o.size}`, k)
    }
    range('blur.sigma', o.blur.sigma, 0, Infinity)
    probability('blur.probability', o.blur.probability)
  }
  return o
}

function factorRange(rng: ReturnType<typeof createRng>, amount: number): number {
  return amount === 0 ? 1 : rng.uniformRange(Math.max(0, 1 - amount), 1 + amount)
}

/**
 * The per-image parameters {@link simclrAugment} uses for `count` images of height×width under `seed` (inspection,
 * statistics tests). Image n's parameters depend only on (seed, n, options).
 */
export function sampleSimclrParams(count: number, height: number, width: number, seed: number, options: SimclrAugmentOptions = {}): SimclrImageParams[] {
  const o = resolveSimclrOptions(options, height)
  return sampleResolved(count, height, width, seed, o)
}

function sampleResolved(count: number, height: number, width: number, seed: number, o: Resolved): SimclrImageParams[] {
  const base = createRng(seed)
  const out: SimclrImageParams[] = []
  for (let n = 0; n < count; n++) {
    const rng = base.fork(n)
    const crop = sampleCropBox(rng, height, width, o.cropScale, o.cropRatio)
    const flip = rng.uniform() < o.flipProbability
    const applyJitter = rng.uniform() < o.jitter.probability
    const order = [...JITTER_OPS]
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1)
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    const factors = {
      order,
      brightness: factorRange(rng, o.jitter.brightness),
      contrast: factorRange(rng, o.jitter.contrast),
      saturation: factorRange(rng, o.jitter.saturation),
      hue: o.jitter.hue === 0 ? 0 : rng.uniformRange(-o.jitter.hue, o.jitter.hue),
    }
    const grayscale = rng.uniform() < o.grayscaleProbability
    const applyBlur = o.blur !== null && rng.uniform() < o.blur.probability
    const sigma = o.blur === null ? 0 : rng.uniformRange(o.blur.sigma[0], o.blur.sigma[1])
    out.push({ crop, flip, jitter: applyJitter ? factors : null, grayscale, blurSigma: applyBlur ? sigma : null })
  }
  return out
}

const JITTER_FNS: Record<JitterOp, (x: tf.Tensor4D, factor: tf.Tensor4D) => tf.Tensor4D> = {
  brightness: adjustBrightness,
  contrast: adjustContrast,
  saturation: adjustSaturation,
  hue: adjustHue,
}

function perImage(values: readonly number[]): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1])
}

/**
 * One SimCLR view of a batch x [N,H,W,C] (C = 1 or 3, values in [0,1]): [N,size,size,C] float32 in [0,1]. The same
 * (x, seed, options) gives the same output on every call and backend (up to float rounding); normalise afterwards
 * ({@link normalizeImages}, or use {@link simclrViews}).
 */
export function simclrAugment(x: tf.Tensor4D, seed: number, options: SimclrAugmentOptions = {}): tf.Tensor4D {
  if (x.rank !== 4 || (x.shape[3] !== 1 && x.shape[3] !== 3)) throw new ShapeMismatchError('simclrAugment x', [null, null, null, 3], x.shape)
  const [n, h, w] = x.shape
  const o = resolveSimclrOptions(options, h)
  const params = sampleResolved(n, h, w, seed, o)
  return tf.tidy(() => {
    let y = resizedCropFlip(x, params.map((p) => p.crop), params.map((p) => p.flip), o.size)
    // ColorJitter in each image's own random order: at position k, every op runs once on the images that have it at
    // k (gathered), and one gather puts the results back, so each op touches each jittered image exactly once.
    for (let k = 0; k < JITTER_OPS.length; k++) {
      const parts: tf.Tensor4D[] = [y]
      const index = Int32Array.from({ length: n }, (_, i) => i)
      let offset = n
      for (const op of JITTER_OPS) {
        if (o.jitter[op] === 0) continue
        const members: number[] = []
        params.forEach((p, i) => {
          if (p.jitter !== null && p.jitter.order[k] === op) members.push(i)
        })
        if (members.length === 0) continue
        const subset = members.length === n ? y : tf.gather(y, Int32Array.from(members))
        parts.push(JITTER_FNS[op](subset, perImage(members.map((i) => params[i]!.jitter![op]))))
        members.forEach((i, j) => (index[i] = offset + j))
        offset += members.length
      }
      if (parts.length > 1) y = tf.gather(tf.concat(parts, 0), index)
    }
    const grayMask = params.map((p) => p.grayscale)
    if (y.shape[3] === 3 && grayMask.some((m) => m)) y = selectPerImage(grayMask, luma(y), y)
    if (o.blur !== null && params.some((p) => p.blurSigma !== null)) {
      y = gaussianBlurPerImage(y, o.blur.kernelSize, params.map((p) => p.blurSigma))
    }
    return tf.clipByValue(y, 0, 1) as tf.Tensor4D
  })
}

/** The seed of view `view` (0, 1, …) derived from `seed`, so the two views of {@link simclrViews} are independent. */
export function viewSeed(seed: number, view: number): number {
  return createRng(seed).fork(`view:${view}`).nextUint32()
}

/**
 * Two independent SimCLR views of x [N,H,W,C] in [0,1], each normalised with the dataset's mean/std (SimSiam's
 * `SimCLRTransform` returns (x1, x2) after `Normalize`). Output side defaults to the dataset's height.
 */
export function simclrViews(x: tf.Tensor4D, dataset: ImageDataset, seed: number, options: SimclrAugmentOptions = {}): [tf.Tensor4D, tf.Tensor4D] {
  const opts = { size: dataset.height, ...options }
  return tf.tidy(() => {
    const a = normalizeImages(simclrAugment(x, viewSeed(seed, 0), opts), dataset)
    const b = normalizeImages(simclrAugment(x, viewSeed(seed, 1), opts), dataset)
    return [a, b] as [tf.Tensor4D, tf.Tensor4D]
  })
}
