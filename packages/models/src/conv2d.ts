import * as tf from '@tensorflow/tfjs'
import type { Rng } from '@cl/core'
import type { ParameterStore } from './parameters.js'

/**
 * A bias-free 2-D convolution, NHWC, as the convolutions of torchvision's ResNets (`nn.Conv2d(..., bias=False)`).
 * The kernel variable is tfjs' layout [k, k, in, out]; padding is symmetric and explicit (PyTorch's `padding=p`), not
 * TF's 'same' (which pads bottom/right only for stride 2 and would shift every strided feature map by one pixel):
 * out = ⌊(in + 2p − k)/s⌋ + 1.
 */
export interface Conv2d {
  readonly kernelSize: number
  readonly inChannels: number
  readonly outChannels: number
  readonly stride: number
  readonly padding: number
  readonly kernel: tf.Variable<tf.Rank.R4>
  /** conv(x) for x [batch, h, w, inChannels]; a new tensor. */
  apply(x: tf.Tensor4D): tf.Tensor4D
}

/** Options of {@link createConv2d}. */
export interface Conv2dOptions {
  readonly kernelSize: number
  readonly inChannels: number
  readonly outChannels: number
  readonly stride: number
  /** Symmetric zero padding (default ⌊kernelSize/2⌋: 1 for 3×3, 0 for 1×1, as torchvision's conv3x3 / conv1x1). */
  readonly padding?: number
  readonly trainable: boolean
}

/**
 * Standard deviation of torchvision's ResNet conv init `kaiming_normal_(w, mode='fan_out', nonlinearity='relu')`:
 * gain/√fan_out with gain = √2 and fan_out = k·k·out, i.e. √(2/(k·k·out)).
 */
export function kaimingNormalFanOutStd(kernelSize: number, outChannels: number): number {
  return Math.sqrt(2 / (kernelSize * kernelSize * outChannels))
}

/**
 * Draw a conv kernel N(0, std²) with std = {@link kaimingNormalFanOutStd}, in PyTorch's order (weight [out, in, kh, kw]
 * row-major) and stored as the tfjs kernel [kh, kw, in, out], from the seeded plain-TS stream (bit-identical on every
 * backend).
 */
export function initConvKernel(rng: Rng, kernelSize: number, inChannels: number, outChannels: number): Float32Array {
  const std = kaimingNormalFanOutStd(kernelSize, outChannels)
  const k = kernelSize
  const values = new Float32Array(k * k * inChannels * outChannels)
  for (let o = 0; o < outChannels; o++) {
    for (let i = 0; i < inChannels; i++) {
      for (let r = 0; r < k; r++) {
        for (let c = 0; c < k; c++) values[((r * k + c) * inChannels + i) * outChannels + o] = std * rng.normal()
      }
    }
  }
  return values
}

/** Create the variable `${localName}/kernel` in `store` (kaiming-normal fan-out init from `rng`). */
export function createConv2d(store: ParameterStore, localName: string, rng: Rng, options: Conv2dOptions): Conv2d {
  const { kernelSize, inChannels, outChannels, stride, trainable } = options
  const padding = options.padding ?? Math.floor(kernelSize / 2)
  const kernel = store.add(
    `${localName}/kernel`,
    initConvKernel(rng, kernelSize, inChannels, outChannels),
    [kernelSize, kernelSize, inChannels, outChannels],
    trainable,
  ) as tf.Variable<tf.Rank.R4>
  return {
    kernelSize,
    inChannels,
    outChannels,
    stride,
    padding,
    kernel,
    apply: (x) => tf.conv2d(x, kernel, stride, padding, 'NHWC'),
  }
}
