import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { countLeakedTensors, createRng, useWasmConvGradients } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { createResNet } from './resnet.js'

/**
 * A ResNet training step on the wasm backend (Conv2DBackpropFilter from @cl/core's useWasmConvGradients) against the
 * same step on the cpu backend: loss, every gradient and the updated running statistics agree to 1e-3 of each
 * gradient's largest magnitude (float32 summation order differs between the backends' kernels).
 */

interface StepResult {
  loss: number
  grads: Map<string, Float32Array>
  runningVar: Float32Array
}

function step(backendSeed: number): StepResult {
  const net = createResNet({ arch: { block: 'basic', layers: [1, 1], widths: [4, 8] }, inputShape: [8, 8, 3], seed: backendSeed })
  const x = tf.tensor4d(Float32Array.from(createRng(11).normalArray(4 * 8 * 8 * 3)), [4, 8, 8, 3])
  const w = tf.tensor2d(Float32Array.from(createRng(12).normalArray(4 * 8)), [4, 8])
  const loss = () => tf.sum(tf.mul(net.apply(x), w)) as tf.Scalar
  const { value, grads } = tf.variableGrads(loss, net.trainableVariables)
  const out: StepResult = {
    loss: value.dataSync()[0]!,
    grads: new Map([...net.namedVariables].filter(([, v]) => v.trainable).map(([n, v]) => [n, grads[v.name]!.dataSync() as Float32Array])),
    runningVar: net.namedVariables.get('layer2/0/bn2/running_var')!.dataSync() as Float32Array,
  }
  tf.dispose([value, ...Object.values(grads)])
  // a full SGD step is leak-free on this backend too
  const opt = tf.train.sgd(0.01)
  expect(countLeakedTensors(() => {
    opt.minimize(loss, false, net.trainableVariables)
  })).toBe(0)
  opt.dispose()
  tf.dispose([x, w])
  net.dispose()
  return out
}

describe('ResNet gradients on wasm (useWasmConvGradients) agree with cpu', { timeout: 300_000 }, () => {
  it('loss, every trainable gradient and the running statistics', async () => {
    expect(await tf.setBackend('cpu')).toBe(true)
    const cpu = step(4)
    expect(await tf.setBackend('wasm')).toBe(true)
    expect(useWasmConvGradients()).toBe(true)
    const wasm = step(4)
    expect(wasm.loss).toBeCloseTo(cpu.loss, 3)
    expect([...wasm.grads.keys()]).toEqual([...cpu.grads.keys()])
    for (const [name, g] of cpu.grads) {
      const gw = wasm.grads.get(name)!
      const scale = Math.max(...Array.from(g).map(Math.abs))
      expect(scale, name).toBeGreaterThan(0)
      const err = Math.max(...Array.from(g).map((v, i) => Math.abs(v - gw[i]!)))
      expect(err / scale, name).toBeLessThan(1e-3)
    }
    wasm.runningVar.forEach((v, i) => expect(v).toBeCloseTo(cpu.runningVar[i]!, 5))
  })
})
