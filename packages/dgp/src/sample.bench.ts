import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { disposeBatch } from '@cl/core'
import { bench, describe } from 'vitest'
import { createDgp } from './create-dgp.js'

// Run: npx vitest bench --run src/sample.bench.ts   (measurements, not assertions; see README "Performance")
await tf.setBackend('wasm')

describe('sample(10 000), d = 10, d_c = 3, wasm', () => {
  const gen = { kind: 'mlp', thresholdDraws: 200 } as const
  const box = createDgp({ space: 'box', dims: 10, contentDims: 3, generator: gen, seed: 1 })
  const sphere = createDgp({ space: 'sphere', dims: 10, contentDims: 3, conditional: { kind: 'vmf', kappa: 1 }, generator: gen, seed: 1 })
  const sphereNormal = createDgp({ space: 'sphere', dims: 10, contentDims: 3, conditional: { kind: 'normal', sigma: 0.05 }, generator: gen, seed: 1 })
  bench('box, truncated normal σ = 0.05', () => disposeBatch(box.sample(10_000)))
  bench('sphere, partial vMF κ = 1', () => disposeBatch(sphere.sample(10_000)))
  bench('sphere, normal σ = 0.05', () => disposeBatch(sphereNormal.sample(10_000)))
})

describe('generator construction, d = 10 (cl-ica default: 25 000 threshold draws, 3 layers)', () => {
  bench('createDgp default generator', () => void createDgp({ seed: 1 }), { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 })
})
