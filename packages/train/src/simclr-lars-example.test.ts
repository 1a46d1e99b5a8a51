import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { excludeBiasAndNorm, simclrCifarOptions, simclrLars } from '../examples/simclr-lars.js'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('README LARS example', () => {
  it('shows examples/simclr-lars.ts verbatim', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const block = /<!-- examples\/simclr-lars\.ts -->\n```ts\n([\s\S]*?)```\n/.exec(readme)
    expect(block, 'README lacks the simclr-lars block').not.toBeNull()
    expect(block![1]).toBe(readFileSync(path.join(root, 'examples', 'simclr-lars.ts'), 'utf8'))
  })

  it('excludes biases and batch-norm parameters, not kernels', () => {
    expect(['dense_0/bias', 'bn1/gamma', 'layer1/0/bn2/beta', 'layer2/0/downsample/1/gamma'].every(excludeBiasAndNorm)).toBe(true)
    expect(['conv1/kernel', 'dense_0/kernel', 'layer2/0/downsample/0/kernel', 'bn1/running_mean'].some(excludeBiasAndNorm)).toBe(false)
    expect(simclrCifarOptions(195)).toMatchObject({ steps: 19_500, learningRate: 0.3, schedule: { warmupSteps: 1950, cosineSteps: 154_050 } })
  })

  it('runs at tiny scale: warm-up to 0.3, barely decayed at the stop, finite loss, leak-free', async () => {
    expect(await tf.setBackend('cpu')).toBe(true)
    const lines: string[] = []
    const before = tf.memory().numTensors
    const { result, lastLearningRate } = await simclrLars({ stepsPerEpoch: 1, log: (l) => lines.push(l) })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.stepsRun).toBe(100)
    expect(Number.isFinite(result.finalLoss)).toBe(true)
    expect(result.finalLoss).toBeLessThan(result.lossHistory[0]![1])
    expect(lines[9]).toMatch(/^epoch 10\/100 {2}lr 0\.3000 /)
    // Step 99: cosine index 89 of 790.
    expect(lastLearningRate).toBeCloseTo(0.15 * (1 + Math.cos((Math.PI * 89) / 790)), 12)
  })
})
