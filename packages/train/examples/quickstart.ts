import { pathToFileURL } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { createMlpEncoder } from '@cl/models'
import { stepSeed, train } from '@cl/train'
import { FileCheckpointStore } from '@cl/train/node'

/**
 * Fit a small MLP to a fixed linear map. Ctrl-C saves a checkpoint and stops; running again continues from it and
 * ends with exactly the weights an uninterrupted run would have.
 */
export async function quickstart(options: { steps: number; checkpointDir: string; seed?: number }) {
  const seed = options.seed ?? 0
  const f = createMlpEncoder({ inputDim: 4, outputDim: 2, hiddenWidths: [32, 32], seed })
  const target = tf.tensor2d([[1, 0], [0, 1], [0.5, -0.5], [2, 1]])
  const controller = new AbortController()
  const stop = () => controller.abort('SIGINT')
  process.once('SIGINT', stop)
  try {
    const result = await train(
      {
        variables: f.namedVariables,
        // The batch of a step is a function of (seed, key, step) only: a resumed run sees the same data.
        loss: (step) => {
          const rng = createRng(stepSeed(seed, 'quickstart', step))
          const x = tf.tensor2d(Float32Array.from(rng.normalArray(64 * 4)), [64, 4])
          return tf.losses.meanSquaredError(tf.matMul(x, target), f.apply(x)) as tf.Scalar
        },
      },
      {
        key: 'quickstart',
        steps: options.steps,
        learningRate: 1e-3,
        store: new FileCheckpointStore(options.checkpointDir),
        signal: controller.signal,
        onStep: ({ step, steps, loss }) => {
          if (step % 200 === 0 || step === steps) console.log(`step ${step}/${steps}  loss ${loss.toFixed(5)}`)
        },
      },
    )
    return { result, weights: f.getWeights() }
  } finally {
    process.removeListener('SIGINT', stop)
    f.dispose()
    target.dispose()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise')
  const { result } = await quickstart({ steps: 2000, checkpointDir: './checkpoints' })
  console.log(`final loss ${result.finalLoss.toExponential(3)} after ${result.stepsRun} steps in this process`)
}
