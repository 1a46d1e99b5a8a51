import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { quickstart } from '../examples/quickstart.js'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('README quickstart', () => {
  it('shows examples/quickstart.ts verbatim (the file CI typechecks and this test runs)', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const block = /<!-- examples\/quickstart\.ts -->\n```ts\n([\s\S]*?)```\n/.exec(readme)
    expect(block, 'README lacks the quickstart block').not.toBeNull()
    expect(block![1]).toBe(readFileSync(path.join(root, 'examples', 'quickstart.ts'), 'utf8'))
  })

  it('runs at tiny scale, lowers the loss, and a second call resumes to the same weights', async () => {
    expect(await tf.setBackend('cpu')).toBe(true)
    const dir = mkdtempSync(path.join(tmpdir(), 'cl-train-quickstart-'))
    const before = tf.memory().numTensors
    const full = await quickstart({ steps: 40, checkpointDir: path.join(dir, 'a') })
    expect(tf.memory().numTensors).toBe(before)
    expect(full.result.finalLoss).toBeLessThan(full.result.lossHistory[0]![1])
    // Same directory, same steps: it resumes from the step-36 checkpoint and lands on the same bits.
    const again = await quickstart({ steps: 40, checkpointDir: path.join(dir, 'a') })
    expect(again.result.startStep).toBe(36)
    expect(again.weights).toEqual(full.weights)
  })
})
