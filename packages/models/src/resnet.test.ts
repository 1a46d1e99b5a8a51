import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError, countLeakedTensors, createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withProjector } from './projector.js'
import { RESNET_ARCHS, createResNet, resNetOutputDim, type ResNetArchSpec, type ResNetEncoder } from './resnet.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

function images(batch: number, h: number, w: number, c: number, seed: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(createRng(seed).normalArray(batch * h * w * c)), [batch, h, w, c])
}

/**
 * Trainable parameters of a CIFAR-stem torchvision ResNet without fc, counted from the architecture alone:
 * 3×3 stem conv + BN(γ, β); per block its convs (BasicBlock 3×3-3×3, Bottleneck 1×1-3×3-1×1) + BNs, plus a
 * 1×1 conv + BN downsample where stride or width changes.
 */
function countParameters({ block, layers, widths }: ResNetArchSpec, inChannels: number): number {
  const expansion = block === 'basic' ? 1 : 4
  let total = 9 * inChannels * widths[0]! + 2 * widths[0]!
  let c = widths[0]!
  layers.forEach((blocks, i) => {
    const p = widths[i]!
    for (let j = 0; j < blocks; j++) {
      const stride = j === 0 && i > 0 ? 2 : 1
      const out = p * expansion
      total += block === 'basic' ? 9 * c * p + 2 * p + 9 * p * p + 2 * p : c * p + 2 * p + 9 * p * p + 2 * p + p * out + 2 * out
      if (stride !== 1 || c !== out) total += c * out + 2 * out
      c = out
    }
  })
  return total
}

const sizeOf = (vars: tf.Variable[]): number => vars.reduce((a, v) => a + v.size, 0)

// Conv-net steps on the cpu backend take seconds each (minutes on a loaded machine): generous per-test timeouts.
describe('ResNet architectures (torchvision, CIFAR stem)', { timeout: 300_000 }, () => {
  // the two big models are built once (≈ 35 M draws) and shared by the tests below
  let r18: ResNetEncoder
  let r50: ResNetEncoder
  beforeAll(() => {
    r18 = createResNet({ arch: 'resnet18', inputShape: [8, 8, 3], seed: 1, name: 'r18' })
    r50 = createResNet({ arch: 'resnet50', inputShape: [8, 8, 3], seed: 1 })
  }, 300_000) // ≈ 10 s alone, much more on a loaded machine
  afterAll(() => {
    r18.dispose()
    r50.dispose()
  })

  it('parameter counts: resnet18 11 168 832 and resnet50 23 500 352 (torchvision minus fc, 3×3 stem), resnet-small', () => {
    // torchvision: resnet18 11 689 512 − fc (512·1000 + 1000) − (7·7 − 3·3)·3·64 = 11 168 832
    expect(11_689_512 - 513_000 - 40 * 3 * 64).toBe(11_168_832)
    // torchvision: resnet50 25 557 032 − fc (2048·1000 + 1000) − 7 680 = 23 500 352
    expect(25_557_032 - 2_049_000 - 40 * 3 * 64).toBe(23_500_352)
    expect(countParameters(RESNET_ARCHS.resnet18, 3)).toBe(11_168_832)
    expect(countParameters(RESNET_ARCHS.resnet50, 3)).toBe(23_500_352)
    expect(sizeOf(r18.trainableVariables)).toBe(11_168_832)
    expect(sizeOf(r50.trainableVariables)).toBe(23_500_352)
    const small = createResNet({ arch: 'resnet-small', inputShape: [28, 28, 1], seed: 0 })
    expect(sizeOf(small.trainableVariables)).toBe(countParameters(RESNET_ARCHS['resnet-small'], 1))
    small.dispose()
  })

  it('output shapes and taps of every arch (resnet50 on 8×8, batch 2)', () => {
    const cases = [
      ['resnet18', [8, 8, 3], 512, ['stem', 'layer1', 'layer2', 'layer3', 'h', 'layer4'], [64, 64, 128, 256, 512, 512]],
      ['resnet50', [8, 8, 3], 2048, ['stem', 'layer1', 'layer2', 'layer3', 'h', 'layer4'], [64, 256, 512, 1024, 2048, 2048]],
      ['resnet-small', [28, 28, 1], 64, ['stem', 'layer1', 'layer2', 'h', 'layer3'], [16, 16, 32, 32, 64]],
      [{ block: 'bottleneck', layers: [1, 2], widths: [4, 8] }, [6, 5, 3], 32, ['stem', 'layer1', 'h', 'layer2'], [4, 16, 32, 32]],
    ] as const
    for (const [arch, inputShape, dim, tapNames, tapWidths] of cases) {
      const net = arch === 'resnet18' ? r18 : arch === 'resnet50' ? r50 : createResNet({ arch, inputShape: [...inputShape], seed: 1 })
      expect(net.outputDim).toBe(dim)
      expect(resNetOutputDim(arch)).toBe(dim)
      expect(net.tapNames).toEqual(tapNames)
      expect(net.tapWidths).toEqual(tapWidths)
      const x = images(2, inputShape[0], inputShape[1], inputShape[2], 2)
      net.setTraining(false)
      const y = net.apply(x)
      expect(y.shape).toEqual([2, dim])
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true)
      const taps = net.applyWithTaps(x)
      expect(taps.map((t) => t.shape)).toEqual(tapWidths.map((w) => [2, w]))
      expect(Array.from(taps[taps.length - 1]!.dataSync())).toEqual(Array.from(y.dataSync()))
      tf.dispose([x, y, ...taps])
      if (net !== r18 && net !== r50) net.dispose()
    }
  })

  it('resnet18 names follow torchvision; the last residual conv is layer4/1/conv2 (resnet50: layer4/2/conv3, 512→2048)', () => {
    const net = r18
    const names = [...net.namedVariables.keys()]
    expect(names.slice(0, 5)).toEqual(['conv1/kernel', 'bn1/gamma', 'bn1/beta', 'bn1/running_mean', 'bn1/running_var'])
    expect(names).toContain('layer2/0/downsample/0/kernel')
    expect(names).toContain('layer2/0/downsample/1/running_var')
    expect(names).not.toContain('layer1/0/downsample/0/kernel')
    expect(net.lastResidualConvName).toBe('layer4/1/conv2/kernel')
    expect(net.namedVariables.get(net.lastResidualConvName)).toBe(net.lastResidualConv)
    expect(net.lastResidualConv.shape).toEqual([3, 3, 512, 512])
    expect(net.lastResidualConv.name).toBe('r18/layer4/1/conv2/kernel')
    expect(r50.lastResidualConvName).toBe('layer4/2/conv3/kernel')
    expect(r50.lastResidualConv.shape).toEqual([1, 1, 512, 2048]) // paper Fig. 4: "2048×512"
    expect(r50.blocks[1]![0]!.convs.map((c) => c.stride)).toEqual([1, 2, 1]) // v1.5: stride on the 3×3
  })
})

describe('ResNet forward semantics (resnet-small)', { timeout: 300_000 }, () => {
  let net: ResNetEncoder
  let x: tf.Tensor4D
  beforeAll(() => {
    net = createResNet({ arch: 'resnet-small', inputShape: [8, 8, 1], seed: 3 })
    x = images(4, 8, 8, 1, 4)
  })
  afterAll(() => {
    net.dispose()
    x.dispose()
  })

  it('applyHR: h = pooled input of the last block, r = apply(x); matches a manual pass through the blocks', () => {
    for (const training of [true, false]) {
      net.setTraining(training)
      const { h, r } = net.applyHR(x)
      const y = net.apply(x)
      expect(Array.from(r.dataSync())).toEqual(Array.from(y.dataSync()))
      const taps = net.applyWithTaps(x)
      expect(Array.from(h.dataSync())).toEqual(Array.from(taps[net.tapNames.indexOf('h')]!.dataSync()))
      const manual = tf.tidy(() => {
        const blocks = net.blocks.flat()
        const stemConv = net.namedVariables.get('conv1/kernel')! as tf.Tensor4D
        const g = net.namedVariables.get('bn1/gamma')!
        const b = net.namedVariables.get('bn1/beta')!
        let z = tf.conv2d(x, stemConv, 1, 1)
        if (training) {
          const { mean, variance } = tf.moments(z, [0, 1, 2])
          z = tf.add(tf.mul(tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b)
        } else {
          z = tf.add(tf.mul(tf.div(tf.sub(z, net.namedVariables.get('bn1/running_mean')!), tf.sqrt(tf.add(net.namedVariables.get('bn1/running_var')!, 1e-5))), g), b)
        }
        z = tf.relu(z)
        for (const block of blocks.slice(0, -1)) z = block.apply(z, training)
        return tf.mean(z, [1, 2])
      })
      const hv = h.dataSync()
      manual.dataSync().forEach((v, i) => expect(hv[i]).toBeCloseTo(v, 4))
      expect(Math.max(...Array.from(hv))).toBeGreaterThan(0)
      tf.dispose([h, r, y, manual, ...taps])
    }
    net.setTraining(true)
  })

  it('training mode updates running statistics on every forward pass, evaluation mode does not', () => {
    const rm = net.namedVariables.get('layer3/0/bn2/running_mean')!
    net.setTraining(false)
    const before = Array.from(rm.dataSync())
    tf.dispose(net.apply(x))
    expect(Array.from(rm.dataSync())).toEqual(before)
    net.setTraining(true)
    expect(net.training).toBe(true)
    tf.dispose(net.apply(x))
    expect(Array.from(rm.dataSync())).not.toEqual(before)
  })

  it('eval output differs from train output but does not depend on the rest of the batch', () => {
    net.setTraining(false)
    const full = net.apply(x)
    const first = tf.tidy(() => net.apply(tf.slice(x, [0, 0, 0, 0], [1, 8, 8, 1])))
    const fv = full.dataSync().slice(0, 64)
    first.dataSync().forEach((v, i) => expect(fv[i]).toBeCloseTo(v, 5))
    net.setTraining(true)
    tf.dispose([full, first])
  })

  it('does not leak: apply, applyWithTaps, applyHR (both modes), variableGrads, an SGD step', () => {
    for (const training of [true, false]) {
      net.setTraining(training)
      expect(countLeakedTensors(() => net.apply(x))).toBe(0)
      expect(countLeakedTensors(() => net.applyWithTaps(x))).toBe(0)
      expect(countLeakedTensors(() => net.applyHR(x))).toBe(0)
    }
    net.setTraining(true)
    const loss = () => tf.mean(tf.square(net.apply(x))) as tf.Scalar
    expect(countLeakedTensors(() => {
      const { value, grads } = tf.variableGrads(loss, net.trainableVariables)
      return [value, ...Object.values(grads)]
    })).toBe(0)
    const opt = tf.train.sgd(0.01)
    expect(countLeakedTensors(() => {
      opt.minimize(loss, false, net.trainableVariables)
    })).toBe(0)
    opt.dispose()
  })

  it('gradients are finite and non-zero for every trainable variable (cpu), running stats get none', () => {
    const w = tf.tensor2d(Float32Array.from(createRng(8).normalArray(4 * 64)), [4, 64])
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), w)) as tf.Scalar, net.trainableVariables)
    const trainable = [...net.namedVariables].filter(([, v]) => v.trainable)
    expect(trainable.map(([n]) => n).some((n) => n.includes('running'))).toBe(false)
    expect(Object.keys(grads).sort()).toEqual(trainable.map(([, v]) => v.name).sort())
    for (const [name, v] of trainable) {
      const g = Array.from(grads[v.name]!.dataSync())
      expect(g.every(Number.isFinite), name).toBe(true)
      expect(Math.max(...g.map(Math.abs)), name).toBeGreaterThan(0)
    }
    tf.dispose([w, value, ...Object.values(grads)])
  })

  it('a few SGD steps lower a simple regression loss', () => {
    const m = createResNet({ arch: 'resnet-small', inputShape: [8, 8, 1], seed: 5 })
    const target = tf.tensor2d(Float32Array.from(createRng(9).normalArray(4 * 64)), [4, 64])
    const loss = () => tf.mean(tf.square(tf.sub(m.apply(x), target))) as tf.Scalar
    const opt = tf.train.sgd(0.05)
    const first = tf.tidy(() => loss().dataSync()[0]!)
    for (let i = 0; i < 4; i++) opt.minimize(loss, false, m.trainableVariables)
    const last = tf.tidy(() => loss().dataSync()[0]!)
    expect(last).toBeLessThan(0.9 * first)
    tf.dispose([target])
    opt.dispose()
    m.dispose()
  })
})

describe('ResNet zero-init residual (DirectCLR, torchvision zero_init_residual)', { timeout: 300_000 }, () => {
  it('γ = 0 in the last BN of every residual branch; at init r = relu(h) = h exactly', () => {
    const net = createResNet({ arch: { block: 'basic', layers: [1, 2], widths: [4, 8] }, inputShape: [6, 6, 3], seed: 2, zeroInitResidual: true })
    for (const [name, v] of net.namedVariables) {
      if (!name.endsWith('/gamma')) continue
      const zero = /\/bn2\/gamma$/.test(name)
      expect(Array.from(v.dataSync()).every((g) => g === (zero ? 0 : 1)), name).toBe(true)
    }
    const x = images(3, 6, 6, 3, 1)
    for (const training of [true, false]) {
      net.setTraining(training)
      const { h, r } = net.applyHR(x)
      expect(Array.from(r.dataSync())).toEqual(Array.from(h.dataSync()))
      tf.dispose([h, r])
    }
    net.dispose()
    const plain = createResNet({ arch: { block: 'basic', layers: [1, 2], widths: [4, 8] }, inputShape: [6, 6, 3], seed: 2 })
    const { h, r } = plain.applyHR(x)
    expect(Array.from(r.dataSync())).not.toEqual(Array.from(h.dataSync()))
    tf.dispose([h, r, x])
    plain.dispose()
  })

  it('bottleneck: bn3 γ = 0 (and nothing else)', () => {
    const net = createResNet({ arch: { block: 'bottleneck', layers: [1], widths: [2] }, inputShape: [4, 4, 1], seed: 2, zeroInitResidual: true })
    const zeros = [...net.namedVariables].filter(([n, v]) => n.endsWith('/gamma') && v.dataSync().every((g) => g === 0)).map(([n]) => n)
    expect(zeros).toEqual(['layer1/0/bn3/gamma'])
    net.dispose()
  })
})

describe('ResNet weights, disposal, projector, validation', { timeout: 300_000 }, () => {
  it('getWeights/setWeights round-trips every variable including running statistics (JSON)', () => {
    const a = createResNet({ arch: 'resnet-small', inputShape: [8, 8, 1], seed: 1 })
    const x = images(4, 8, 8, 1, 2)
    tf.dispose(a.apply(x)) // training mode: running stats move away from 0 / 1
    const weights = JSON.parse(JSON.stringify(a.getWeights())) as ReturnType<typeof a.getWeights>
    expect(Object.keys(weights)).toContain('layer2/0/downsample/1/running_var')
    expect(weights['bn1/running_mean']!.values.some((v) => v !== 0)).toBe(true)
    const b = createResNet({ arch: 'resnet-small', inputShape: [8, 8, 1], seed: 2 })
    b.setWeights(weights)
    expect(b.getWeights()).toEqual(weights)
    a.setTraining(false)
    b.setTraining(false)
    const ya = a.apply(x)
    const yb = b.apply(x)
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()))
    const bad = { ...weights, 'conv1/kernel': { shape: [3, 3, 1, 15], values: [] } }
    expect(() => b.setWeights(bad)).toThrow(ShapeMismatchError)
    tf.dispose([x, ya, yb])
    a.dispose()
    b.dispose()
  })

  it('same seed ⇒ same weights; dispose returns every tensor and unregisters the variables (idempotent)', () => {
    const base = tf.memory().numTensors
    const a = createResNet({ arch: 'resnet-small', inputShape: [8, 8, 3], seed: 7 })
    const b = createResNet({ arch: 'resnet-small', inputShape: [8, 8, 3], seed: 7 })
    expect(b.getWeights()).toEqual(a.getWeights())
    expect(tf.memory().numTensors).toBe(base + 2 * a.namedVariables.size)
    const scope = a.scope
    a.dispose()
    a.dispose()
    b.dispose()
    expect(tf.memory().numTensors).toBe(base)
    expect(Object.keys(tf.engine().registeredVariables).filter((n) => n.startsWith(`${scope}/`))).toEqual([])
  })

  it('trainable: false leaves nothing trainable', () => {
    const net = createResNet({ arch: 'resnet-small', inputShape: [4, 4, 1], seed: 0, trainable: false })
    expect(net.trainableVariables).toEqual([])
    net.dispose()
  })

  it('withProjector(resnet) is a ProjectedEncoder<Tensor4D>: shapes, taps, modes, a leak-free Adam step', () => {
    const model = withProjector(createResNet({ arch: 'resnet-small', inputShape: [8, 8, 1], seed: 1 }), { seed: 2, outputDim: 16 })
    const x = images(4, 8, 8, 1, 3)
    const { features, projection } = model.applyBoth(x)
    expect(features.shape).toEqual([4, 64])
    expect(projection.shape).toEqual([4, 16])
    expect(model.tapNames).toEqual(['backbone/stem', 'backbone/layer1', 'backbone/layer2', 'backbone/h', 'backbone/layer3', 'projector/hidden_1', 'projector/output'])
    expect(Object.keys(model.getWeights())).toContain('backbone/layer3/0/bn2/running_var')
    model.setTraining(false)
    expect((model.backbone as ResNetEncoder).training).toBe(false)
    model.setTraining(true)
    const opt = tf.train.adam(1e-3)
    const loss = () => tf.mean(tf.square(model.apply(x))) as tf.Scalar
    opt.minimize(loss, false, model.trainableVariables)
    expect(countLeakedTensors(() => {
      opt.minimize(loss, false, model.trainableVariables)
    })).toBe(0)
    tf.dispose([x, features, projection])
    opt.dispose()
    model.dispose()
  })

  it('validates options and inputs with typed errors', () => {
    const bad: [unknown, string][] = [
      [{ arch: 'resnet34', inputShape: [8, 8, 3], seed: 0 }, 'resNet.arch'],
      [{ arch: { block: 'wide', layers: [1], widths: [4] }, inputShape: [8, 8, 3], seed: 0 }, 'resNet.arch.block'],
      [{ arch: { block: 'basic', layers: [1, 0], widths: [4, 4] }, inputShape: [8, 8, 3], seed: 0 }, 'resNet.arch.layers[1]'],
      [{ arch: { block: 'basic', layers: [1, 1], widths: [4] }, inputShape: [8, 8, 3], seed: 0 }, 'resNet.arch.widths'],
      [{ arch: { block: 'basic', layers: [1], widths: [4], depth: 3 }, inputShape: [8, 8, 3], seed: 0 }, 'resNet.arch.depth'],
      [{ arch: 'resnet18', inputShape: [8, 8], seed: 0 }, 'resNet.inputShape'],
      [{ arch: 'resnet18', inputShape: [8, 0, 3], seed: 0 }, 'resNet.inputShape[1]'],
      [{ arch: 'resnet18', inputShape: [8, 8, 3], seed: -1 }, 'resNet.seed'],
      [{ arch: 'resnet18', inputShape: [8, 8, 3], seed: 0, batchNormMomentum: 0 }, 'resNet.batchNormMomentum'],
      [{ arch: 'resnet18', inputShape: [8, 8, 3], seed: 0, batchNormEpsilon: 0 }, 'resNet.batchNormEpsilon'],
      [{ arch: 'resnet18', inputShape: [8, 8, 3], seed: 0, zeroInitResidual: 1 }, 'resNet.zeroInitResidual'],
      [{ arch: 'resnet18', inputShape: [8, 8, 3], seed: 0, widths: [1] }, 'resNet.widths'],
    ]
    for (const [options, field] of bad) {
      expect(() => createResNet(options as never), field).toThrow(InvalidConfigError)
      try {
        createResNet(options as never)
      } catch (e) {
        expect((e as InvalidConfigError).field).toBe(field)
      }
    }
    const net = createResNet({ arch: 'resnet-small', inputShape: [4, 4, 1], seed: 0 })
    const wrong = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D
    expect(() => net.apply(wrong)).toThrow(ShapeMismatchError)
    const int = tf.zeros([2, 4, 4, 1], 'int32') as tf.Tensor4D
    expect(() => net.applyHR(int)).toThrow(InvalidConfigError)
    // batch 1 at 4×4 reaches 1×1 in layer3: one value per channel, so batch statistics are refused (as PyTorch does),
    // without leaking; evaluation mode (running statistics) works
    const one = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D
    expect(countLeakedTensors(() => {
      expect(() => net.apply(one)).toThrow(InvalidConfigError)
    })).toBe(0)
    net.setTraining(false)
    expect(countLeakedTensors(() => net.apply(one))).toBe(0)
    tf.dispose([wrong, int, one])
    net.dispose()
  })
})
