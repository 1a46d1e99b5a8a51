import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { isClError } from '@cl/core'
import { createMlpEncoder } from '@cl/models'
import { beforeAll, describe, expect, it } from 'vitest'
import { paperDgp, trainEncoder, type SpaceKind } from '../experiments/synthetic.js'
import { CheckpointStore } from './checkpoint-store.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

const settings = { dims: 6, contentDims: 2, sigma: 1, kappa: 10, generator: { kind: 'mlp' as const, layers: 2, thresholdDraws: 50 }, seed: 3 }
const quiet = () => {}

function setup(space: SpaceKind, runDir: string) {
  const dgp = paperDgp({ ...settings, space })
  const f = createMlpEncoder({ inputDim: 6, hiddenWidths: [12, 12], seed: 3, ...(space === 'sphere' ? { outputNormalization: 'fixedSphere' as const } : {}) })
  const run = (signal?: AbortSignal) =>
    trainEncoder({ space, encoder: f, dgp, seed: 3, key: `${space}-job`, tau: 1, train: { steps: 16, batchSize: 24, learningRate: 1e-3 }, store: new CheckpointStore(runDir), log: quiet, ...(signal !== undefined ? { signal } : {}) })
  return { f, run }
}

describe.each(['box', 'sphere'] as const)('trainEncoder on the %s (InfoNCE of §4.1, run-directory store)', (space) => {
  it('Ctrl-C (the run signal) at step 7, then a resume: every weight equals an uninterrupted run, bit for bit', async () => {
    const full = setup(space, mkdtempSync(path.join(tmpdir(), 'cl-te-full-')))
    await full.run()
    const expected = full.f.getWeights()
    full.f.dispose()

    const runDir = mkdtempSync(path.join(tmpdir(), 'cl-te-int-'))
    const first = setup(space, runDir)
    const controller = new AbortController()
    let calls = 0
    // Abort from inside the forward pass of 0-based step 6 (one apply per step: both views go through f together):
    // step 7 completes, the next one does not start.
    const original = first.f.apply.bind(first.f)
    ;(first.f as { apply: typeof original }).apply = (x) => {
      if (++calls === 7) controller.abort('SIGINT')
      return original(x)
    }
    const err = await first.run(controller.signal).catch((e: unknown) => e)
    expect(isClError(err, 'CL_INTERRUPTED')).toBe(true)
    first.f.dispose()
    expect(readdirSync(path.join(runDir, 'checkpoints'))).toEqual([`${space}-job.ckpt.json`])

    const second = setup(space, runDir)
    const before = tf.memory().numTensors
    const out = await second.run()
    expect(tf.memory().numTensors).toBe(before)
    expect(out.startStep).toBe(7)
    const got = second.f.getWeights()
    for (const [name, w] of Object.entries(expected)) {
      expect(new Uint32Array(Float32Array.from(got[name]!.values).buffer), name).toEqual(new Uint32Array(Float32Array.from(w.values).buffer))
    }
    second.f.dispose()
  })
})
