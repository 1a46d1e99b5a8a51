import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng, useWasmConvGradients } from '@cl/core'
import { bench, describe } from 'vitest'
import { RESNET_ARCHS, createResNet } from './resnet.js'

/**
 * Forward + backward (tf.variableGrads of a linear loss on the pooled features, training-mode BN) of `resnet-small`
 * on one batch of 128 Fashion-MNIST-sized images (28×28×1) on wasm (Conv2DBackpropFilter from @cl/core's
 * useWasmConvGradients); prints the trainable parameter count of every named arch first.
 * Run: `cd packages/models && npx vitest bench --run src/resnet.bench.ts`.
 */
await tf.setBackend('wasm')
await tf.ready()
if (!useWasmConvGradients()) throw new Error('no wasm Conv2DBackpropFilter')

for (const arch of Object.keys(RESNET_ARCHS) as (keyof typeof RESNET_ARCHS)[]) {
  const channels = arch === 'resnet-small' ? 1 : 3
  const net = createResNet({ arch, inputShape: [8, 8, channels], seed: 0 })
  console.log(`${arch} (${channels} input channel${channels > 1 ? 's' : ''}): ${net.trainableVariables.reduce((a, v) => a + v.size, 0)} trainable parameters, ${net.outputDim}-d`)
  net.dispose()
}

const batch = 128
const net = createResNet({ arch: 'resnet-small', inputShape: [28, 28, 1], seed: 0 })
const x = tf.tensor4d(Float32Array.from(createRng(1).normalArray(batch * 28 * 28)), [batch, 28, 28, 1])
const w = tf.tensor2d(Float32Array.from(createRng(2).normalArray(batch * 64)), [batch, 64])

describe(`resnet-small, batch ${batch} of 28×28×1, wasm`, () => {
  bench(
    'forward + backward (variableGrads)',
    () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x), w)) as tf.Scalar, net.trainableVariables)
      value.dataSync()
      tf.dispose([value, ...Object.values(grads)])
    },
    { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 },
  )
  bench(
    'forward (training-mode BN)',
    () => {
      tf.tidy(() => {
        net.apply(x).dataSync()
      })
    },
    { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 },
  )
})
