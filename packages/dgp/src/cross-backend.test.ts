import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { disposeBatch } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDgp, type DgpConfig } from './create-dgp.js'

/** Sampling happens in float64 TS and is uploaded at the end, so cpu and wasm must agree bit for bit. */
describe('cross-backend: cpu vs wasm', () => {
  const configs: DgpConfig[] = [
    { space: 'box', dims: 10, contentDims: 3, conditional: { kind: 'normal', sigma: 0.05 }, generator: { kind: 'mlp', thresholdDraws: 200 }, seed: 1 },
    { space: 'sphere', dims: 10, contentDims: 3, conditional: { kind: 'vmf', kappa: 5 }, generator: { kind: 'mlp', thresholdDraws: 200 }, seed: 2 },
  ]
  const onCpu: { arrays: number[][]; x: Float32Array; back: Float32Array }[] = []

  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true)
    for (const config of configs) {
      const dgp = createDgp(config)
      const b = dgp.sample(512)
      const x = dgp.generate(b.z)
      const back = dgp.generator.inverse(b.x)
      onCpu.push({
        arrays: [b.z, b.zPositive, b.x, b.xPositive].map((t) => Array.from(t.dataSync())),
        x: Float32Array.from(x.dataSync()),
        back: Float32Array.from(back.dataSync()),
      })
      tf.dispose([x, back])
      disposeBatch(b)
    }
    expect(await tf.setBackend('wasm')).toBe(true)
  })

  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it.each([0, 1])('config %i: sampled tensors identical, generate/inverse within 1e-5 relative', (i) => {
    expect(tf.getBackend()).toBe('wasm')
    const dgp = createDgp(configs[i] as DgpConfig)
    const b = dgp.sample(512)
    const ref = onCpu[i]!
    expect([b.z, b.zPositive, b.x, b.xPositive].map((t) => Array.from(t.dataSync()))).toEqual(ref.arrays)
    const x = dgp.generate(b.z)
    const back = dgp.generator.inverse(b.x)
    // float32 rounding differs between kernels: compare relative to the magnitude
    const maxAbs = (a: ArrayLike<number>, c: ArrayLike<number>) =>
      Math.max(...Array.from(a, (v, k) => Math.abs(v - (c[k] as number)) / (1 + Math.abs(c[k] as number))))
    expect(maxAbs(x.dataSync(), ref.x)).toBeLessThan(1e-5)
    expect(maxAbs(back.dataSync(), ref.back)).toBeLessThan(1e-5)
    tf.dispose([x, back])
    disposeBatch(b)
  })
})
