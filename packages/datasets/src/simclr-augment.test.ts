import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { countLeakedTensors, createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImageDataset } from './dataset.js'
import { bilinearResampleMatrix } from './resized-crop.js'
import { gaussianKernel1d } from './gaussian-blur.js'
import { adjustHue } from './color-jitter.js'
import { SIMCLR_CIFAR_AUGMENT, sampleSimclrParams, simclrAugment, simclrViews, type SimclrAugmentOptions } from './simclr-augment.js'

const OFF: SimclrAugmentOptions = {
  cropScale: [1, 1],
  flipProbability: 0,
  jitter: { brightness: 0, contrast: 0, saturation: 0, hue: 0, probability: 0 },
  grayscaleProbability: 0,
  blur: null,
}

function randomImages(n: number, h: number, w: number, c: number, seed: number): { data: Float32Array; x: tf.Tensor4D } {
  const rng = createRng(seed)
  const data = new Float32Array(n * h * w * c)
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform()
  return { data, x: tf.tensor4d(data, [n, h, w, c]) }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

/** Binomial check: |k − np| < 5·sqrt(np(1−p)). */
function expectFrequency(k: number, n: number, p: number): void {
  expect(Math.abs(k - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)))
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('SIMCLR_CIFAR_AUGMENT', () => {
  it("holds PatrickHua/SimSiam's simclr_aug.py values at image size 32", () => {
    expect(SIMCLR_CIFAR_AUGMENT).toEqual({
      size: 32,
      cropScale: [0.2, 1],
      cropRatio: [3 / 4, 4 / 3],
      flipProbability: 0.5,
      jitter: { brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, probability: 0.8 },
      grayscaleProbability: 0.2,
      blur: { kernelSize: 3, sigma: [0.1, 2], probability: 0.5 },
    })
  })
})

describe('sampled parameters (statistics over 4 000 images)', () => {
  const n = 4000
  const params = sampleSimclrParams(n, 32, 32, 123)
  it('flip ≈ 0.5, jitter ≈ 0.8, grayscale ≈ 0.2, blur ≈ 0.5 (binomial 5σ)', () => {
    expectFrequency(params.filter((p) => p.flip).length, n, 0.5)
    expectFrequency(params.filter((p) => p.jitter !== null).length, n, 0.8)
    expectFrequency(params.filter((p) => p.grayscale).length, n, 0.2)
    expectFrequency(params.filter((p) => p.blurSigma !== null).length, n, 0.5)
  })
  it('crops lie inside the image with area fraction in [0.2, 1] (up to integer rounding) and aspect ratio in [3/4, 4/3]', () => {
    let sumFrac = 0
    for (const { crop } of params) {
      expect(crop.top).toBeGreaterThanOrEqual(0)
      expect(crop.left).toBeGreaterThanOrEqual(0)
      expect(crop.top + crop.height).toBeLessThanOrEqual(32)
      expect(crop.left + crop.width).toBeLessThanOrEqual(32)
      const frac = (crop.height * crop.width) / 1024
      // rounding w = round(√(A·r)), h = round(√(A/r)) lowers the area by at most (√(A·r) + √(A/r))/2 pixels
      const a = 0.2 * 1024
      expect(frac).toBeGreaterThanOrEqual(0.2 - (Math.sqrt((a * 4) / 3) + Math.sqrt((a * 3) / 4)) / 2 / 1024)
      expect(frac).toBeLessThanOrEqual(1)
      const ratio = crop.width / crop.height
      expect(ratio).toBeGreaterThan(0.75 * 0.8)
      expect(ratio).toBeLessThan((4 / 3) * 1.25)
      sumFrac += frac
    }
    // mean area fraction: U(0.2, 1) is 0.6 before rejection of boxes that do not fit; fits are nearly always at 32 px
    expect(sumFrac / n).toBeGreaterThan(0.55)
    expect(sumFrac / n).toBeLessThan(0.65)
  })
  it('jitter factors: brightness/contrast/saturation ~ U[0.2, 1.8] (mean 1), hue ~ U[−0.2, 0.2] (mean 0); σ ~ U[0.1, 2]', () => {
    const j = params.flatMap((p) => (p.jitter === null ? [] : [p.jitter]))
    for (const key of ['brightness', 'contrast', 'saturation'] as const) {
      const v = j.map((f) => f[key])
      const mean = v.reduce((a, b) => a + b, 0) / v.length
      expect(Math.abs(mean - 1)).toBeLessThan((5 * 1.6) / Math.sqrt(12 * v.length))
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0.2)
      expect(Math.max(...v)).toBeLessThan(1.8)
    }
    const hue = j.map((f) => f.hue)
    expect(Math.abs(hue.reduce((a, b) => a + b, 0) / hue.length)).toBeLessThan((5 * 0.4) / Math.sqrt(12 * hue.length))
    expect(Math.max(...hue.map(Math.abs))).toBeLessThanOrEqual(0.2)
    const sig = params.flatMap((p) => (p.blurSigma === null ? [] : [p.blurSigma]))
    expect(Math.min(...sig)).toBeGreaterThanOrEqual(0.1)
    expect(Math.max(...sig)).toBeLessThan(2)
  })
  it("image n's parameters do not depend on the batch size", () => {
    expect(sampleSimclrParams(3, 32, 32, 123)).toEqual(params.slice(0, 3))
  })
})

describe('PIL bilinear resampling matrices', () => {
  it('upscaling a crop = linear interpolation at half-pixel centres, clamped to the crop (not the image) edges', () => {
    // 16 → 32 from offset 5 of a 40-pixel row
    const m = bilinearResampleMatrix(5, 16, 40, 32)
    const ramp = Array.from({ length: 40 }, (_, i) => i * i) // a nonlinear row so the weights matter
    for (let o = 0; o < 32; o++) {
      const pos = Math.min(Math.max((o + 0.5) / 2 - 0.5, 0), 15) // position inside the crop, clamped
      const lo = Math.floor(pos)
      const hi = Math.min(lo + 1, 15)
      const expected = ramp[5 + lo]! * (1 - (pos - lo)) + ramp[5 + hi]! * (pos - lo)
      let got = 0
      for (let i = 0; i < 40; i++) got += m[o * 40 + i]! * ramp[i]!
      expect(got).toBeCloseTo(expected, 3)
    }
  })
  it('same size is the identity; reverse flips rows; every row sums to 1 when downscaling (antialias)', () => {
    const id = bilinearResampleMatrix(0, 8, 8, 8)
    for (let o = 0; o < 8; o++) for (let i = 0; i < 8; i++) expect(id[o * 8 + i]).toBe(o === i ? 1 : 0)
    const rev = bilinearResampleMatrix(0, 8, 8, 8, true)
    for (let o = 0; o < 8; o++) expect(rev[o * 8 + 7 - o]).toBe(1)
    const down = bilinearResampleMatrix(0, 30, 30, 7)
    for (let o = 0; o < 7; o++) {
      let s = 0
      let nonzero = 0
      for (let i = 0; i < 30; i++) {
        s += down[o * 30 + i]!
        if (down[o * 30 + i]! > 0) nonzero++
      }
      expect(s).toBeCloseTo(1, 6)
      expect(nonzero).toBeGreaterThan(4) // support widened by the scale 30/7
    }
  })
})

describe('simclrAugment on cpu', () => {
  it('returns the input when every probability is 0 and the crop is the whole image', () => {
    const { data, x } = randomImages(5, 8, 8, 3, 1)
    const y = simclrAugment(x, 9, OFF)
    expect(y.shape).toEqual([5, 8, 8, 3])
    expect(maxAbsDiff(y.dataSync(), data)).toBeLessThan(1e-6)
    tf.dispose([x, y])
  })

  it('flip p=1 mirrors every image horizontally', () => {
    const sq = randomImages(2, 6, 6, 3, 4)
    const z = simclrAugment(sq.x, 3, { ...OFF, flipProbability: 1 })
    const zv = z.dataSync()
    for (let n = 0; n < 2; n++) for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) for (let ch = 0; ch < 3; ch++) {
      expect(zv[((n * 6 + r) * 6 + c) * 3 + ch]).toBeCloseTo(sq.data[((n * 6 + r) * 6 + (5 - c)) * 3 + ch]!, 6)
    }
    tf.dispose([sq.x, z])
  })

  it('brightness-only jitter multiplies each image by its sampled factor and clamps', () => {
    const x = tf.fill([6, 4, 4, 3], 0.5) as tf.Tensor4D
    const opts: SimclrAugmentOptions = { ...OFF, jitter: { brightness: 0.8, contrast: 0, saturation: 0, hue: 0, probability: 1 } }
    const params = sampleSimclrParams(6, 4, 4, 17, opts)
    const y = simclrAugment(x, 17, opts)
    const v = y.dataSync()
    params.forEach((p, n) => expect(v[n * 48 + 7]).toBeCloseTo(Math.min(1, 0.5 * p.jitter!.brightness), 6))
    tf.dispose([x, y])
  })

  it('brightness, contrast and saturation follow each image\'s sampled order and factors (float64 reference)', () => {
    const { data, x } = randomImages(12, 4, 4, 3, 5)
    const opts: SimclrAugmentOptions = { ...OFF, jitter: { brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0, probability: 1 } }
    const params = sampleSimclrParams(12, 4, 4, 8, opts)
    const orders = new Set(params.map((p) => p.jitter!.order.join(',')))
    expect(orders.size).toBeGreaterThan(3) // the order does vary per image
    const y = simclrAugment(x, 8, opts).dataSync()
    const clamp = (v: number) => Math.min(1, Math.max(0, v))
    const lumaOf = (img: number[], p: number) => 0.299 * img[3 * p]! + 0.587 * img[3 * p + 1]! + 0.114 * img[3 * p + 2]!
    for (let n = 0; n < 12; n++) {
      let img = Array.from(data.subarray(n * 48, (n + 1) * 48))
      const j = params[n]!.jitter!
      for (const op of j.order) {
        if (op === 'brightness') img = img.map((v) => clamp(v * j.brightness))
        if (op === 'contrast') {
          let mean = 0
          for (let p = 0; p < 16; p++) mean += lumaOf(img, p) / 16
          img = img.map((v) => clamp(j.contrast * v + (1 - j.contrast) * mean))
        }
        if (op === 'saturation') {
          const prev = img
          img = img.map((v, i) => clamp(j.saturation * v + (1 - j.saturation) * lumaOf(prev, Math.floor(i / 3))))
        }
      }
      for (let i = 0; i < 48; i++) expect(y[n * 48 + i]).toBeCloseTo(img[i]!, 5)
    }
    x.dispose()
  })

  it('hue rotation matches a float64 HSV reference', () => {
    const { data, x } = randomImages(1, 6, 6, 3, 6)
    const shift = 0.13
    const y = tf.tidy(() => adjustHue(x, tf.scalar(shift)).dataSync())
    for (let p = 0; p < 36; p++) {
      const [r, g, b] = [data[3 * p]!, data[3 * p + 1]!, data[3 * p + 2]!]
      const max = Math.max(r, g, b)
      const min = Math.min(r, g, b)
      const d = max - min
      let h = d === 0 ? 0 : max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4
      h = (((h / 6 + shift) % 1) + 1) % 1
      const s = max === 0 ? 0 : d / max
      // textbook six-sector HSV → RGB (torchvision _hsv2rgb's table)
      const i = Math.floor(h * 6) % 6
      const f = h * 6 - Math.floor(h * 6)
      const pp = max * (1 - s)
      const q = max * (1 - s * f)
      const t = max * (1 - s * (1 - f))
      const ref = [[max, t, pp], [q, max, pp], [pp, max, t], [pp, q, max], [t, pp, max], [max, pp, q]][i]!
      for (let ch = 0; ch < 3; ch++) expect(y[3 * p + ch]).toBeCloseTo(ref[ch]!, 5)
    }
    x.dispose()
  })

  it('grayscale p=1 writes the ITU-R 601 luma into every channel', () => {
    const { data, x } = randomImages(2, 4, 4, 3, 7)
    const y = simclrAugment(x, 1, { ...OFF, grayscaleProbability: 1 }).dataSync()
    for (let p = 0; p < 32; p++) {
      const l = 0.299 * data[3 * p]! + 0.587 * data[3 * p + 1]! + 0.114 * data[3 * p + 2]!
      for (let ch = 0; ch < 3; ch++) expect(y[3 * p + ch]).toBeCloseTo(l, 5)
    }
    x.dispose()
  })

  it('blur p=1 is a separable Gaussian with reflect padding and the sampled σ (float64 reference)', () => {
    const { data, x } = randomImages(2, 5, 5, 3, 8)
    const opts: SimclrAugmentOptions = { ...OFF, blur: { kernelSize: 3, sigma: [0.1, 2], probability: 1 } }
    const params = sampleSimclrParams(2, 5, 5, 4, opts)
    const y = simclrAugment(x, 4, opts).dataSync()
    const reflect = (i: number) => (i < 0 ? -i : i > 4 ? 8 - i : i)
    for (let n = 0; n < 2; n++) {
      const k = gaussianKernel1d(3, params[n]!.blurSigma!)
      for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) for (let ch = 0; ch < 3; ch++) {
        let s = 0
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += k[dy + 1]! * k[dx + 1]! * data[((n * 5 + reflect(r + dy)) * 5 + reflect(c + dx)) * 3 + ch]!
        expect(y[((n * 5 + r) * 5 + c) * 3 + ch]).toBeCloseTo(s, 5)
      }
    }
    x.dispose()
  })

  it('is deterministic per seed, differs across seeds, stays in [0,1], is leak-free', () => {
    const { x } = randomImages(8, 32, 32, 3, 9)
    const a = simclrAugment(x, 42)
    const b = simclrAugment(x, 42)
    const c = simclrAugment(x, 43)
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0)
    expect(maxAbsDiff(a.dataSync(), c.dataSync())).toBeGreaterThan(0.1)
    expect(a.min().arraySync()).toBeGreaterThanOrEqual(0)
    expect(a.max().arraySync()).toBeLessThanOrEqual(1)
    expect(countLeakedTensors(() => simclrAugment(x, 1))).toBe(0)
    tf.dispose([a, b, c, x])
  })

  it("image n's view does not depend on the rest of the batch", () => {
    const { x } = randomImages(5, 16, 16, 3, 14)
    const head = tf.slice(x, [0, 0, 0, 0], [2, 16, 16, 3])
    const full = simclrAugment(x, 21)
    const part = simclrAugment(head, 21)
    const fullHead = tf.slice(full, [0, 0, 0, 0], [2, 16, 16, 3])
    expect(maxAbsDiff(part.dataSync(), fullHead.dataSync())).toBeLessThan(1e-6)
    tf.dispose([x, head, full, part, fullHead])
  })

  it('works on 1-channel images (saturation, hue, grayscale are identities) and resizes to `size`', () => {
    const { x } = randomImages(4, 28, 28, 1, 10)
    const y = simclrAugment(x, 5, { size: 20 })
    expect(y.shape).toEqual([4, 20, 20, 1])
    expect(countLeakedTensors(() => simclrAugment(x, 5))).toBe(0)
    tf.dispose([x, y])
  })

  it('simclrViews gives two different normalised views, leak-free', () => {
    const ds = { height: 16, channels: 3, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as unknown as ImageDataset
    const { x } = randomImages(4, 16, 16, 3, 11)
    const [v1, v2] = simclrViews(x, ds, 0)
    const again = simclrViews(x, ds, 0)
    expect(maxAbsDiff(v1.dataSync(), again[0].dataSync())).toBe(0)
    expect(maxAbsDiff(v2.dataSync(), again[1].dataSync())).toBe(0)
    tf.dispose(again)
    expect(v1.shape).toEqual([4, 16, 16, 3])
    expect(maxAbsDiff(v1.dataSync(), v2.dataSync())).toBeGreaterThan(0.1)
    expect(v1.min().arraySync()).toBeGreaterThanOrEqual(-0.406 / 0.225 - 1e-4 - 2) // (0 − 0.485)/0.229 ≈ −2.12
    expect(countLeakedTensors(() => simclrViews(x, ds, 3))).toBe(0)
    tf.dispose([v1, v2, x])
  })

  it('rejects bad options, naming the field', () => {
    const x = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D
    const bad: [SimclrAugmentOptions, string][] = [
      [{ cropScale: [0.5, 0.2] }, 'cropScale'],
      [{ cropScale: [0, 1] }, 'cropScale'],
      [{ cropRatio: [2, 1] }, 'cropRatio'],
      [{ flipProbability: 1.5 }, 'flipProbability'],
      [{ jitter: { brightness: -1, contrast: 0, saturation: 0, hue: 0, probability: 1 } }, 'jitter.brightness'],
      [{ jitter: { brightness: 0, contrast: 0, saturation: 0, hue: 0.7, probability: 1 } }, 'jitter.hue'],
      [{ grayscaleProbability: -0.1 }, 'grayscaleProbability'],
      [{ blur: { kernelSize: 2, sigma: [0.1, 2], probability: 0.5 } }, 'blur.kernelSize'],
      [{ blur: { kernelSize: 3, sigma: [2, 0.1], probability: 0.5 } }, 'blur.sigma'],
      [{ size: 0 }, 'size'],
      [{ flip: 0.5 } as SimclrAugmentOptions, 'simclrAugment options.flip'],
    ]
    for (const [opts, field] of bad) expect(() => simclrAugment(x, 0, opts)).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', field }))
    const twoChannels = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D
    expect(() => simclrAugment(twoChannels, 0)).toThrow(expect.objectContaining({ code: 'CL_SHAPE_MISMATCH' }))
    tf.dispose([x, twoChannels])
  })
})

describe('cpu and wasm agree', () => {
  let cpu: Float32Array
  afterAll(async () => {
    await tf.setBackend('cpu')
  })
  it('same seed → same view on both backends (max |Δ| < 1e-4), leak-free on wasm', async () => {
    const make = () => randomImages(6, 32, 32, 3, 12)
    await tf.setBackend('cpu')
    const a = make()
    cpu = simclrAugment(a.x, 77).dataSync() as Float32Array
    a.x.dispose()
    expect(await tf.setBackend('wasm')).toBe(true)
    const b = make()
    const y = simclrAugment(b.x, 77)
    expect(maxAbsDiff(y.dataSync(), cpu)).toBeLessThan(1e-4)
    expect(countLeakedTensors(() => simclrAugment(b.x, 78))).toBe(0)
    const g = randomImages(2, 28, 28, 1, 13)
    expect(simclrAugment(g.x, 1).shape).toEqual([2, 28, 28, 1])
    tf.dispose([b.x, y, g.x])
  })
})
