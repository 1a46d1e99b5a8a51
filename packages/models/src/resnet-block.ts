import * as tf from '@tensorflow/tfjs'
import type { Rng } from '@cl/core'
import { createBatchNorm2d, type BatchNorm2d } from './batch-norm.js'
import { createConv2d, type Conv2d } from './conv2d.js'
import type { ParameterStore } from './parameters.js'

/** The residual block types of torchvision's ResNets. */
export type ResNetBlockType = 'basic' | 'bottleneck'

/** Channel expansion of the block's output over its `planes` (torchvision `BasicBlock.expansion` / `Bottleneck.expansion`). */
export const BLOCK_EXPANSION: Readonly<Record<ResNetBlockType, number>> = { basic: 1, bottleneck: 4 }

/**
 * One residual block, out = relu(residual(x) + shortcut(x)) (torchvision `BasicBlock` / `Bottleneck` v1.5):
 * - basic: residual = bn2(conv2 3×3(relu(bn1(conv1 3×3, stride s)))), expansion 1;
 * - bottleneck: residual = bn3(conv3 1×1(relu(bn2(conv2 3×3, stride s (relu(bn1(conv1 1×1))))))), expansion 4 — the
 *   stride sits on the 3×3 conv (torchvision's "ResNet v1.5"), not on the first 1×1;
 * - shortcut = identity, or downsample = bn(conv 1×1, stride s) when the stride or the channel count changes.
 */
export interface ResNetBlock {
  readonly type: ResNetBlockType
  readonly inChannels: number
  readonly outChannels: number
  readonly stride: number
  readonly convs: readonly Conv2d[]
  readonly bns: readonly BatchNorm2d[]
  readonly downsample: { readonly conv: Conv2d; readonly bn: BatchNorm2d } | null
  /** The last conv of the residual branch (conv2 for basic, conv3 for bottleneck) and its kernel's local name. */
  readonly lastConv: Conv2d
  readonly lastConvName: string
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D
}

/** Options of {@link createResNetBlock}. */
export interface ResNetBlockOptions {
  readonly type: ResNetBlockType
  readonly inChannels: number
  readonly planes: number
  readonly stride: number
  readonly trainable: boolean
  readonly momentum: number
  readonly epsilon: number
  /** γ = 0 in the last BN of the residual branch (torchvision `zero_init_residual`). */
  readonly zeroInitResidual: boolean
}

/**
 * Create a block's variables under `${prefix}/` with torchvision's names (`conv1/kernel`, `bn1/gamma`, …,
 * `downsample/0/kernel`, `downsample/1/gamma`, …); each conv draws from `rng.fork(<its name>)`.
 */
export function createResNetBlock(store: ParameterStore, prefix: string, rng: Rng, options: ResNetBlockOptions): ResNetBlock {
  const { type, inChannels, planes, stride, trainable, momentum, epsilon } = options
  const outChannels = planes * BLOCK_EXPANSION[type]
  const conv = (name: string, kernelSize: number, cin: number, cout: number, s: number): Conv2d =>
    createConv2d(store, `${prefix}/${name}`, rng.fork(name), { kernelSize, inChannels: cin, outChannels: cout, stride: s, trainable })
  const bn = (name: string, channels: number, gammaInit = 1): BatchNorm2d =>
    createBatchNorm2d(store, `${prefix}/${name}`, { channels, momentum, epsilon, trainable, gammaInit })
  const lastGamma = options.zeroInitResidual ? 0 : 1

  let convs: Conv2d[]
  let bns: BatchNorm2d[]
  if (type === 'basic') {
    convs = [conv('conv1', 3, inChannels, planes, stride)]
    bns = [bn('bn1', planes)]
    convs.push(conv('conv2', 3, planes, planes, 1))
    bns.push(bn('bn2', planes, lastGamma))
  } else {
    convs = [conv('conv1', 1, inChannels, planes, 1)]
    bns = [bn('bn1', planes)]
    convs.push(conv('conv2', 3, planes, planes, stride))
    bns.push(bn('bn2', planes))
    convs.push(conv('conv3', 1, planes, outChannels, 1))
    bns.push(bn('bn3', outChannels, lastGamma))
  }
  let downsample: ResNetBlock['downsample'] = null
  if (stride !== 1 || inChannels !== outChannels) {
    downsample = { conv: conv('downsample/0', 1, inChannels, outChannels, stride), bn: bn('downsample/1', outChannels) }
  }
  const last = convs.length

  return {
    type,
    inChannels,
    outChannels,
    stride,
    convs,
    bns,
    downsample,
    lastConv: convs[last - 1]!,
    lastConvName: `${prefix}/conv${last}/kernel`,
    apply: (x, training) =>
      tf.tidy((): tf.Tensor4D => {
        let y: tf.Tensor4D = x
        for (let i = 0; i < last; i++) {
          y = bns[i]!.apply(convs[i]!.apply(y), training)
          if (i + 1 < last) y = tf.relu(y) as tf.Tensor4D
        }
        const shortcut = downsample ? downsample.bn.apply(downsample.conv.apply(x), training) : x
        return tf.relu(tf.add(y, shortcut)) as tf.Tensor4D
      }),
  }
}
