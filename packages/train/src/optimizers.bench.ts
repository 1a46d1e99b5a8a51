import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { bench, describe } from 'vitest'
import { createAdam } from './adam.js'
import { createLars } from './lars.js'
import type { Optimizer } from './optimizer-state.js'
import { createSgd } from './sgd.js'

/**
 * One optimizer update on the trainable variables of a CIFAR ResNet-18 + SimCLR projector (62 tensors, 11.5 M
 * parameters; SimSiam's resnet18_cifar_variant1 shapes), on wasm. Gradients are fixed random tensors.
 * Run: `cd packages/train && npx vitest bench --run src/optimizers.bench.ts` (or `pnpm bench`).
 */
function resnet18Shapes(): [string, number[]][] {
  const out: [string, number[]][] = [['conv1/kernel', [3, 3, 3, 64]], ['bn1/gamma', [64]], ['bn1/beta', [64]]]
  let inC = 64
  for (const [layer, width] of [[1, 64], [2, 128], [3, 256], [4, 512]] as const) {
    for (const block of [0, 1]) {
      const p = `layer${layer}/${block}`
      out.push([`${p}/conv1/kernel`, [3, 3, inC, width]], [`${p}/bn1/gamma`, [width]], [`${p}/bn1/beta`, [width]])
      out.push([`${p}/conv2/kernel`, [3, 3, width, width]], [`${p}/bn2/gamma`, [width]], [`${p}/bn2/beta`, [width]])
      if (block === 0 && inC !== width) out.push([`${p}/downsample/0/kernel`, [1, 1, inC, width]], [`${p}/downsample/1/gamma`, [width]], [`${p}/downsample/1/beta`, [width]])
      inC = width
    }
  }
  out.push(['projector/0/kernel', [512, 512]], ['projector/0/bias', [512]], ['projector/1/kernel', [512, 256]], ['projector/1/bias', [256]])
  return out
}

const exclude = (name: string) => name.endsWith('/bias') || name.endsWith('/gamma') || name.endsWith('/beta')

await tf.setBackend('wasm')
const rng = createRng(1)
const shapes = resnet18Shapes()
const vars = new Map(shapes.map(([name, s]) => [name, tf.variable(tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal() * 0.05), s), true)]))
const grads = new Map(shapes.map(([name, s]) => [name, tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal() * 1e-3), s)]))
const step = (opt: Optimizer) => () => {
  opt.apply(grads, 0.3)
  // Wait for the update like a training step does (its next forward pass reads the weights).
  vars.get('projector/1/bias')!.dataSync()
}
const options = { iterations: 10, warmupIterations: 2 }

describe(`one update, ResNet-18 CIFAR + projector (${shapes.length} tensors, ${[...vars.values()].reduce((a, v) => a + v.size, 0)} parameters), wasm`, () => {
  bench('adam, loop (default on wasm)', step(createAdam(vars, { learningRate: 1e-3 }, 'loop')), options)
  bench('adam, ops', step(createAdam(vars, { learningRate: 1e-3 }, 'ops')), options)
  bench('sgd, momentum 0.9, wd 5e-4', step(createSgd(vars, { learningRate: 0.1, weightDecay: 5e-4, excludeFromDecay: exclude })), options)
  bench('lars, momentum 0.9, wd 1e-6 (simclr_cifar.yaml)', step(createLars(vars, { learningRate: 0.3, weightDecay: 1e-6, excludeFromDecay: exclude })), options)
})
