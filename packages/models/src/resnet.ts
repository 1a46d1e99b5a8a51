import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError, assertIntegerInRange, assertOptionKeys, assertPositive } from '@cl/core'
import { DEFAULT_BATCH_NORM_EPSILON, DEFAULT_BATCH_NORM_MOMENTUM, createBatchNorm2d } from './batch-norm.js'
import { createConv2d } from './conv2d.js'
import type { Encoder } from './encoder.js'
import { resolveScope } from './naming.js'
import { ParameterStore } from './parameters.js'
import { BLOCK_EXPANSION, createResNetBlock, type ResNetBlock, type ResNetBlockType } from './resnet-block.js'
import { toRng, type SeedLike } from './validate.js'

/** A named architecture or a custom one (block type, blocks per stage, base widths per stage). */
export type ResNetArch =
  | 'resnet18'
  | 'resnet50'
  | 'resnet-small'
  | { readonly block: ResNetBlockType; readonly layers: readonly number[]; readonly widths: readonly number[] }

/** A resolved architecture: stage i has `layers[i]` blocks of base width `widths[i]`, stride 1 for i = 0, else 2. */
export interface ResNetArchSpec {
  readonly block: ResNetBlockType
  readonly layers: readonly number[]
  readonly widths: readonly number[]
}

/** The named architectures. */
export const RESNET_ARCHS: Readonly<Record<'resnet18' | 'resnet50' | 'resnet-small', ResNetArchSpec>> = {
  /** torchvision resnet18 (BasicBlock [2,2,2,2]), 512-d. */
  resnet18: { block: 'basic', layers: [2, 2, 2, 2], widths: [64, 128, 256, 512] },
  /** torchvision resnet50 (Bottleneck [3,4,6,3]), 2048-d. */
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3], widths: [64, 128, 256, 512] },
  /** A small CIFAR-style ResNet for quick runs on a CPU: BasicBlock [1,1,1], widths [16,32,64], 64-d. */
  'resnet-small': { block: 'basic', layers: [1, 1, 1], widths: [16, 32, 64] },
}

/** Options of {@link createResNet}. */
export interface ResNetOptions {
  readonly arch: ResNetArch
  /** Per-example input shape [height, width, channels] (NHWC), e.g. [32, 32, 3] (CIFAR-10) or [28, 28, 1] (Fashion-MNIST). */
  readonly inputShape: readonly [h: number, w: number, c: number]
  /** Seed of the conv init (or an Rng; each conv draws from `rng.fork(<its local name>)`-derived streams). */
  readonly seed: SeedLike
  /** γ = 0 in the last BN of every residual branch (torchvision `zero_init_residual`; DirectCLR uses true). Default false. */
  readonly zeroInitResidual?: boolean
  /** Variable scope (default: a fresh `resnet_<n>`). */
  readonly name?: string
  /** Whether convs and BN γ/β are trainable (default true; running statistics never are). */
  readonly trainable?: boolean
  /** BN running-statistics momentum (default 0.1, PyTorch's). */
  readonly batchNormMomentum?: number
  /** BN ε (default 1e-5, PyTorch's). */
  readonly batchNormEpsilon?: number
}

/** A CIFAR ResNet encoder; see {@link createResNet}. */
export interface ResNetEncoder extends Encoder<tf.Tensor4D> {
  readonly arch: ResNetArchSpec
  readonly inputShape: readonly [number, number, number]
  /** Training mode (the default, as a fresh PyTorch module): BN uses batch statistics and updates its running ones. */
  readonly training: boolean
  /** BN batch statistics + running-stat updates (true) vs running statistics (false). */
  setTraining(training: boolean): void
  /**
   * Paper Appx. E (eq. 28): h = global-average-pooled input of the last residual block ("the representation in the
   * layer before the last convolutional block"), r = pooled relu(h + conv(h)) = `apply(x)`. One forward pass.
   */
  applyHR(x: tf.Tensor4D): { h: tf.Tensor2D; r: tf.Tensor2D }
  /** Kernel [k, k, in, out] of the last conv of the last block's residual branch (Fig. 4: layer4.2.conv3 for ResNet50). */
  readonly lastResidualConv: tf.Variable
  /** Its local name in `namedVariables`, e.g. `layer4/2/conv3/kernel`. */
  readonly lastResidualConvName: string
  /** The residual blocks, stage by stage (`blocks[i][j]` = torchvision `layer{i+1}[j]`). */
  readonly blocks: readonly (readonly ResNetBlock[])[]
}

const OPTION_KEYS = ['arch', 'inputShape', 'seed', 'zeroInitResidual', 'name', 'trainable', 'batchNormMomentum', 'batchNormEpsilon']

/** Resolve (and validate) a {@link ResNetArch}. */
export function resolveResNetArch(arch: unknown, field = 'arch'): ResNetArchSpec {
  if (typeof arch === 'string') {
    if (Object.hasOwn(RESNET_ARCHS, arch)) return RESNET_ARCHS[arch as keyof typeof RESNET_ARCHS]
    throw new InvalidConfigError(field, `one of ${Object.keys(RESNET_ARCHS).map((a) => `'${a}'`).join(', ')} or { block, layers, widths }`, arch)
  }
  if (typeof arch !== 'object' || arch === null || Array.isArray(arch)) {
    throw new InvalidConfigError(field, `one of ${Object.keys(RESNET_ARCHS).map((a) => `'${a}'`).join(', ')} or { block, layers, widths }`, arch)
  }
  assertOptionKeys(field, arch, ['block', 'layers', 'widths'])
  const { block, layers, widths } = arch as Record<string, unknown>
  if (block !== 'basic' && block !== 'bottleneck') throw new InvalidConfigError(`${field}.block`, "'basic' or 'bottleneck'", block)
  if (!Array.isArray(layers) || layers.length === 0) throw new InvalidConfigError(`${field}.layers`, 'a non-empty array of integers ≥ 1', layers)
  layers.forEach((n, i) => assertIntegerInRange(`${field}.layers[${i}]`, n, 1))
  if (!Array.isArray(widths) || widths.length !== layers.length) {
    throw new InvalidConfigError(`${field}.widths`, `an array of ${layers.length} integers ≥ 1 (one per stage)`, widths)
  }
  widths.forEach((w, i) => assertIntegerInRange(`${field}.widths[${i}]`, w, 1))
  return { block, layers: [...(layers as number[])], widths: [...(widths as number[])] }
}

function assertImageInput(field: string, x: unknown, shape: readonly [number, number, number]): asserts x is tf.Tensor4D {
  if (!(x instanceof tf.Tensor)) throw new InvalidConfigError(field, 'a tf.Tensor4D', x === null ? null : typeof x)
  if (x.rank !== 4 || (x.shape[0] ?? 0) < 1 || x.shape[1] !== shape[0] || x.shape[2] !== shape[1] || x.shape[3] !== shape[2]) {
    throw new ShapeMismatchError(field, [null, ...shape], x.shape)
  }
  if (x.dtype !== 'float32') throw new InvalidConfigError(`${field}.dtype`, "'float32'", x.dtype)
}

const pool = (x: tf.Tensor4D): tf.Tensor2D => tf.mean(x, [1, 2]) as tf.Tensor2D

/**
 * A torchvision ResNet (`torchvision.models.resnet`) with the CIFAR stem of PatrickHua/SimSiam's
 * `resnet18_cifar_variant1` (the paper's CIFAR-10 code, §4.2): conv1 = 3×3 stride 1 padding 1 (instead of 7×7 stride 2)
 * and **no max-pool**, then stages `layer1 … layerL` (stride 1 for layer1, 2 after), global average pooling, and no
 * fc: `apply(x)` is the pooled [batch, widths[L−1]·expansion] feature after the last block's ReLU (512-d for
 * resnet18, 2048-d for resnet50). Convs are bias-free with `kaiming_normal_(mode='fan_out', nonlinearity='relu')`
 * init; BN γ = 1, β = 0 (γ = 0 in the last BN of each residual branch with `zeroInitResidual`); see batch-norm.ts for
 * the BN semantics. Input NHWC [batch, h, w, c].
 *
 * Variables (local names, torchvision's with `/`): `conv1/kernel`, `bn1/{gamma,beta,running_mean,running_var}`,
 * `layer{i}/{j}/conv{k}/kernel`, `layer{i}/{j}/bn{k}/…`, `layer{i}/{j}/downsample/0/kernel`, `layer{i}/{j}/downsample/1/…`.
 *
 * Taps (`applyWithTaps`): pooled [batch, C] maps: `stem` (after conv1-bn1-relu), `layer1 … layer{L−1}`, `h` (the
 * pooled input of the last block, Appx. E), `layer{L}` (= `apply(x)`). In training mode every forward pass (apply,
 * applyWithTaps, applyHR) updates the BN running statistics, as a PyTorch forward in `train()` mode does.
 */
export function createResNet(options: ResNetOptions): ResNetEncoder {
  const root = 'resNet'
  assertOptionKeys(root, options, OPTION_KEYS)
  const arch = resolveResNetArch(options.arch, `${root}.arch`)
  const { inputShape } = options
  if (!Array.isArray(inputShape) || inputShape.length !== 3) {
    throw new InvalidConfigError(`${root}.inputShape`, '[height, width, channels] with integers ≥ 1', inputShape)
  }
  inputShape.forEach((s, i) => assertIntegerInRange(`${root}.inputShape[${i}]`, s, 1))
  const shape = [...inputShape] as [number, number, number]
  const zeroInitResidual = options.zeroInitResidual ?? false
  if (typeof zeroInitResidual !== 'boolean') throw new InvalidConfigError(`${root}.zeroInitResidual`, 'a boolean', zeroInitResidual)
  const trainable = options.trainable ?? true
  if (typeof trainable !== 'boolean') throw new InvalidConfigError(`${root}.trainable`, 'a boolean', trainable)
  const momentum = options.batchNormMomentum ?? DEFAULT_BATCH_NORM_MOMENTUM
  if (typeof momentum !== 'number' || !(momentum > 0 && momentum <= 1)) {
    throw new InvalidConfigError(`${root}.batchNormMomentum`, 'a number in (0, 1]', momentum)
  }
  const epsilon = options.batchNormEpsilon ?? DEFAULT_BATCH_NORM_EPSILON
  assertPositive(`${root}.batchNormEpsilon`, epsilon)
  const rng = toRng(`${root}.seed`, options.seed)
  const scope = resolveScope(`${root}.name`, options.name, 'resnet')

  const store = new ParameterStore(scope)
  const blocks: ResNetBlock[][] = []
  let stem: { conv: ReturnType<typeof createConv2d>; bn: ReturnType<typeof createBatchNorm2d> }
  try {
    const stemWidth = arch.widths[0]!
    stem = {
      conv: createConv2d(store, 'conv1', rng.fork('conv1'), { kernelSize: 3, inChannels: shape[2], outChannels: stemWidth, stride: 1, trainable }),
      bn: createBatchNorm2d(store, 'bn1', { channels: stemWidth, momentum, epsilon, trainable }),
    }
    let inChannels = stemWidth
    arch.layers.forEach((count, i) => {
      const stage: ResNetBlock[] = []
      for (let j = 0; j < count; j++) {
        const prefix = `layer${i + 1}/${j}`
        const block = createResNetBlock(store, prefix, rng.fork(prefix), {
          type: arch.block,
          inChannels,
          planes: arch.widths[i]!,
          stride: j === 0 && i > 0 ? 2 : 1,
          trainable,
          momentum,
          epsilon,
          zeroInitResidual,
        })
        inChannels = block.outChannels
        stage.push(block)
      }
      blocks.push(stage)
    })
  } catch (e) {
    store.dispose()
    throw e
  }
  const L = arch.layers.length
  const lastBlock = blocks[L - 1]![blocks[L - 1]!.length - 1]!
  const outputDim = lastBlock.outChannels
  const tapNames = ['stem', ...blocks.slice(0, -1).map((_, i) => `layer${i + 1}`), 'h', `layer${L}`]
  const tapWidths = [arch.widths[0]!, ...blocks.slice(0, -1).map((s) => s[s.length - 1]!.outChannels), lastBlock.inChannels, outputDim]
  let training = true

  /** The forward pass; pushes every tap (pooled) into `taps` if given, and the pooled h into `hr` if given. */
  const forward = (x: tf.Tensor4D, taps: tf.Tensor2D[] | null, hr: { h?: tf.Tensor2D } | null): tf.Tensor2D => {
    let y = tf.relu(stem.bn.apply(stem.conv.apply(x), training))
    taps?.push(pool(y))
    for (let i = 0; i < L; i++) {
      const stage = blocks[i]!
      for (let j = 0; j < stage.length; j++) {
        if (i === L - 1 && j === stage.length - 1 && (taps || hr)) {
          const h = pool(y)
          taps?.push(h)
          if (hr) hr.h = h
        }
        y = stage[j]!.apply(y, training)
      }
      if (taps && i < L - 1) taps.push(pool(y))
    }
    const out = pool(y)
    taps?.push(out)
    return out
  }

  return {
    scope,
    arch,
    inputShape: shape,
    outputDim,
    tapNames,
    tapWidths,
    blocks,
    lastResidualConv: lastBlock.lastConv.kernel,
    lastResidualConvName: lastBlock.lastConvName,
    get training() {
      return training
    },
    setTraining: (flag) => {
      if (typeof flag !== 'boolean') throw new InvalidConfigError('training', 'a boolean', flag)
      training = flag
    },
    get namedVariables() {
      return store.named
    },
    get trainableVariables() {
      return store.trainable()
    },
    apply: (x) => {
      assertImageInput('x', x, shape)
      return tf.tidy(() => forward(x, null, null))
    },
    applyWithTaps: (x) => {
      assertImageInput('x', x, shape)
      return tf.tidy(() => {
        const taps: tf.Tensor2D[] = []
        forward(x, taps, null)
        return taps
      })
    },
    applyHR: (x) => {
      assertImageInput('x', x, shape)
      return tf.tidy(() => {
        const hr: { h?: tf.Tensor2D } = {}
        const r = forward(x, null, hr)
        return { h: hr.h!, r }
      })
    },
    getWeights: () => store.getWeights(),
    setWeights: (weights) => store.setWeights(weights),
    dispose: () => store.dispose(),
  }
}

/** Output width of an architecture: widths[L−1]·expansion (512 for resnet18, 2048 for resnet50, 64 for resnet-small). */
export function resNetOutputDim(arch: ResNetArch): number {
  const spec = resolveResNetArch(arch)
  return spec.widths[spec.widths.length - 1]! * BLOCK_EXPANSION[spec.block]
}
