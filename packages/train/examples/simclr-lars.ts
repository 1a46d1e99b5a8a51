import { pathToFileURL } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { createRng } from '@cl/core'
import { createMlpEncoder } from '@cl/models'
import { learningRateAt, stepSeed, train, type TrainOptions } from '@cl/train'

/** Biases and batch-norm γ, β (the `@cl/models` names `…/bias`, `…/gamma`, `…/beta`): LARS_simclr's 'exclude' group. */
export const excludeBiasAndNorm = (localName: string): boolean => /\/(bias|gamma|beta)$/.test(localName)

/**
 * PatrickHua/SimSiam configs/simclr_cifar.yaml as `train` options, for `stepsPerEpoch` iterations per epoch
 * (CIFAR-10, batch 256, drop_last: 195): LARS_simclr with lr = base_lr·batch/256 = 0.3, weight decay 1e-6 on the
 * weights only, momentum 0.9 (absent from the yaml; users add it, issues #27/#32), a linear warm-up from 0 over
 * 10 epochs, then a cosine to 0 over num_epochs − warmup_epochs = 790 epochs, stopped at stop_at_epoch = 100.
 */
export function simclrCifarOptions(stepsPerEpoch: number): TrainOptions {
  return {
    steps: 100 * stepsPerEpoch,
    optimizer: 'lars',
    learningRate: (0.3 * 256) / 256,
    momentum: 0.9,
    larsEta: 1e-3,
    weightDecay: 1e-6,
    excludeFromDecay: excludeBiasAndNorm,
    schedule: { warmupSteps: 10 * stepsPerEpoch, warmupStartLearningRate: 0, decay: 'cosine', finalLearningRate: 0, cosineSteps: 790 * stepsPerEpoch },
  }
}

/** The schedule on a stand-in model (an MLP on a regression; use your encoder and contrastive loss instead). */
export async function simclrLars(options: { stepsPerEpoch: number; seed?: number; log?: (line: string) => void }) {
  const seed = options.seed ?? 0
  const f = createMlpEncoder({ inputDim: 8, outputDim: 4, hiddenWidths: [64, 64], seed })
  const target = tf.randomNormal([8, 4], 0, 1, 'float32', seed)
  const config = simclrCifarOptions(options.stepsPerEpoch)
  try {
    const result = await train(
      {
        variables: f.namedVariables,
        loss: (step) => {
          const rng = createRng(stepSeed(seed, 'simclr-lars', step))
          const x = tf.tensor2d(Float32Array.from(rng.normalArray(256 * 8)), [256, 8])
          return tf.losses.meanSquaredError(tf.matMul(x, target), f.apply(x)) as tf.Scalar
        },
      },
      {
        ...config,
        key: 'simclr-lars',
        onStep: ({ step, steps, loss, learningRate }) => {
          if (step % options.stepsPerEpoch === 0) options.log?.(`epoch ${step / options.stepsPerEpoch}/${steps / options.stepsPerEpoch}  lr ${learningRate?.toFixed(4)}  loss ${loss.toFixed(4)}`)
        },
      },
    )
    // The rate of any step, without training: here the last one (epoch 100 of the 800-epoch cosine).
    return { result, lastLearningRate: learningRateAt(config.steps - 1, config) }
  } finally {
    f.dispose()
    target.dispose()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise')
  const { result, lastLearningRate } = await simclrLars({ stepsPerEpoch: 5, log: console.log })
  console.log(`final loss ${result.finalLoss.toExponential(3)}; lr at the last step ${lastLearningRate.toFixed(4)} (of 0.3: the cosine spans 800 epochs)`)
}
