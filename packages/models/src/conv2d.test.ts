import * as tf from '@tensorflow/tfjs'
import { countLeakedTensors, createRng } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { createConv2d, initConvKernel, kaimingNormalFanOutStd } from './conv2d.js'
import { ParameterStore } from './parameters.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

/** Independent float64 NHWC convolution with symmetric zero padding p (PyTorch `F.conv2d(x, w, stride=s, padding=p)`). */
function conv2dF64(
  x: ArrayLike<number>, [n, h, w, cin]: [number, number, number, number], kernel: ArrayLike<number>, k: number, cout: number, s: number, p: number,
): { values: Float64Array; shape: number[] } {
  const oh = Math.floor((h + 2 * p - k) / s) + 1
  const ow = Math.floor((w + 2 * p - k) / s) + 1
  const out = new Float64Array(n * oh * ow * cout)
  for (let b = 0; b < n; b++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++)
        for (let o = 0; o < cout; o++) {
          let acc = 0
          for (let r = 0; r < k; r++)
            for (let c = 0; c < k; c++) {
              const iy = y * s - p + r
              const ix = xx * s - p + c
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue
              for (let i = 0; i < cin; i++) acc += x[((b * h + iy) * w + ix) * cin + i]! * kernel[((r * k + c) * cin + i) * cout + o]!
            }
          out[((b * oh + y) * ow + xx) * cout + o] = acc
        }
  return { values: out, shape: [n, oh, ow, cout] }
}

describe('conv2d (bias-free, NHWC, symmetric padding)', () => {
  const cases: [string, number, number, number, number[]][] = [
    // name, kernel, stride, cout, input shape
    ['3×3 stride 1 pad 1', 3, 1, 3, [2, 5, 5, 2]],
    ['3×3 stride 2 pad 1, odd input (7 → 4, PyTorch rounding)', 3, 2, 3, [2, 7, 7, 2]],
    ['3×3 stride 2 pad 1, even input (6 → 3; TF "same" would pad bottom/right only)', 3, 2, 2, [1, 6, 6, 3]],
    ['1×1 stride 2 pad 0 (downsample)', 1, 2, 4, [2, 5, 5, 3]],
  ]
  for (const [name, k, s, cout, shape] of cases) {
    it(`matches a float64 convolution: ${name}`, () => {
      const store = new ParameterStore(`conv_test_${k}_${s}_${shape[1]}`)
      const conv = createConv2d(store, 'c', createRng(3), { kernelSize: k, inChannels: shape[3]!, outChannels: cout, stride: s, trainable: true })
      expect(conv.padding).toBe(Math.floor(k / 2))
      const xValues = Float32Array.from(createRng(4).normalArray(shape.reduce((a, b) => a * b, 1)))
      const x = tf.tensor4d(xValues, shape as [number, number, number, number])
      const y = conv.apply(x)
      const expected = conv2dF64(xValues, shape as [number, number, number, number], conv.kernel.dataSync(), k, cout, s, conv.padding)
      expect(y.shape).toEqual(expected.shape)
      const got = y.dataSync()
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected.values[i]!, 5)
      expect(countLeakedTensors(() => conv.apply(x))).toBe(0)
      tf.dispose([x, y])
      store.dispose()
    })
  }

  it('init: kaiming_normal_(fan_out, relu), drawn in PyTorch [out, in, kh, kw] order, stored [kh, kw, in, out]', () => {
    expect(kaimingNormalFanOutStd(3, 64)).toBeCloseTo(Math.sqrt(2 / 576), 15)
    const k = 3, cin = 16, cout = 64
    const values = initConvKernel(createRng(7), k, cin, cout)
    const std = kaimingNormalFanOutStd(k, cout)
    const draws = createRng(7)
    // the first k·k draws are weight[0, 0, :, :] (output 0, input 0) in row-major (kh, kw) order
    for (let r = 0; r < k; r++)
      for (let c = 0; c < k; c++) expect(values[((r * k + c) * cin + 0) * cout + 0]).toBe(Math.fround(std * draws.normal()))
    // then weight[0, 1, 0, 0]
    expect(values[(0 * cin + 1) * cout + 0]).toBe(Math.fround(std * draws.normal()))
    let sum = 0, sq = 0
    for (const v of values) { sum += v; sq += v * v }
    const mean = sum / values.length
    const sampleStd = Math.sqrt(sq / values.length - mean * mean)
    expect(Math.abs(mean)).toBeLessThan(4 * std / Math.sqrt(values.length))
    expect(Math.abs(sampleStd / std - 1)).toBeLessThan(0.03) // 9216 draws: relative s.e. ≈ 0.7 %
  })
})
