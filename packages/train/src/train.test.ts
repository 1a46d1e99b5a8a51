import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { isClError } from '@cl/core'
import { createLinearEncoder } from '@cl/models'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryCheckpointStore } from './memory-store.js'
import { regressionProblem, weightBits } from './test-problem.js'
import { train, type StepInfo } from './train.js'

afterAll(async () => {
  await tf.setBackend('cpu')
})

const STEPS = 30
const LR = 0.01

async function uninterrupted() {
  const { model, job } = regressionProblem()
  const out = await train(job, { steps: STEPS, learningRate: LR, key: 'full' })
  const bits = weightBits(model)
  model.dispose()
  return { bits, out }
}

describe.each(['cpu', 'wasm'])('train on %s', (backend) => {
  it('selects the backend', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
    expect(tf.getBackend()).toBe(backend)
  })

  it('decreases the loss, records the history, calls onStep, and leaks no tensors', async () => {
    const { model, job } = regressionProblem()
    const seen: StepInfo[] = []
    const before = tf.memory().numTensors
    const out = await train(job, { steps: 40, learningRate: LR, key: 'leak', onStep: (i) => seen.push(i) })
    expect(tf.memory().numTensors).toBe(before)
    expect(seen.map((s) => s.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(seen.every((s) => s.startStep === 0 && s.steps === 40 && s.key === 'leak')).toBe(true)
    expect(out.lossHistory.at(-1)).toEqual([40, out.finalLoss])
    expect(out.lossHistory).toHaveLength(40)
    expect(out.finalLoss).toBeLessThan(out.lossHistory[0]![1] / 2)
    expect(out.stepsRun).toBe(40)
    model.dispose()
  })

  it('interrupted through its AbortSignal at step 13 and resumed: every weight bit equals the uninterrupted run', async () => {
    const expected = await uninterrupted()
    const store = new MemoryCheckpointStore()
    const first = regressionProblem()
    const controller = new AbortController()
    const err = await train(first.job, {
      steps: STEPS,
      learningRate: LR,
      key: 'job',
      store,
      checkpointEvery: 1000,
      signal: controller.signal,
      onStep: ({ step }) => step === 13 && controller.abort('SIGINT'),
    }).catch((e: unknown) => e)
    first.model.dispose()
    expect(isClError(err, 'CL_INTERRUPTED')).toBe(true)
    expect((err as Error).message).toBe('interrupted by SIGINT')
    expect(store.loadCheckpoint('job')?.step).toBe(13)
    expect(store.loadCheckpoint('job')?.adam.t).toBe(13)

    // A fresh model with other initial weights: everything must come from the checkpoint.
    const second = regressionProblem({ initSeed: 99 })
    const before = tf.memory().numTensors
    const out = await train(second.job, { steps: STEPS, learningRate: LR, key: 'job', store })
    expect(tf.memory().numTensors).toBe(before)
    expect(weightBits(second.model)).toEqual(expected.bits)
    expect(out.startStep).toBe(13)
    expect(out.stepsRun).toBe(STEPS - 13)
    expect(out.finalLoss).toBe(expected.out.finalLoss)
    expect(out.lossHistory).toEqual(expected.out.lossHistory)
    second.model.dispose()
  })

  it('killed after a stored checkpoint (step 20) and resumed: every weight bit equals the uninterrupted run', async () => {
    const expected = await uninterrupted()
    const store = new MemoryCheckpointStore()
    const first = regressionProblem({ throwAt: 24 })
    await expect(train(first.job, { steps: STEPS, learningRate: LR, key: 'job', store, checkpointEvery: 10 })).rejects.toThrow(/killed at step 24/)
    first.model.dispose()
    expect(store.loadCheckpoint('job')?.step).toBe(20)

    const { model, job } = regressionProblem()
    const out = await train(job, { steps: STEPS, learningRate: LR, key: 'job', store, checkpointEvery: 10 })
    expect(out.startStep).toBe(20)
    expect(weightBits(model)).toEqual(expected.bits)
    expect(out.lossHistory).toEqual(expected.out.lossHistory)
    model.dispose()
  })
})

describe('train stops', () => {
  it('an abort before the first step throws and saves nothing', async () => {
    await tf.setBackend('cpu')
    const { model, job } = regressionProblem()
    const store = new MemoryCheckpointStore()
    const controller = new AbortController()
    controller.abort()
    const before = weightBits(model)
    const err = await train(job, { steps: 5, learningRate: LR, key: 'early', store, signal: controller.signal }).catch((e: unknown) => e)
    expect(isClError(err, 'CL_INTERRUPTED')).toBe(true)
    expect(store.loadCheckpoint('early')).toBeUndefined()
    expect(weightBits(model)).toEqual(before)
    model.dispose()
  })

  it('the first NaN loss stops training naming the 1-based step, before that step changes the weights', async () => {
    const { model, job } = regressionProblem({ nanAt: 6 })
    let afterStep6: Record<string, number[]> = {}
    const before = tf.memory().numTensors
    const err = await train(job, { steps: 20, learningRate: LR, key: 'nan-job', onStep: ({ step }) => step === 6 && (afterStep6 = weightBits(model)) }).catch((e: unknown) => e)
    expect(tf.memory().numTensors).toBe(before)
    expect(isClError(err, 'CL_NON_FINITE')).toBe(true)
    expect((err as Error).message).toMatch(/^nan-job: loss at step 7 is NaN/)
    expect(weightBits(model)).toEqual(afterStep6)
    model.dispose()
  })

  it('a loss beyond the divergence threshold stops training naming the step', async () => {
    const { model, job } = regressionProblem({ explodeAt: 3 })
    const err = await train(job, { steps: 20, learningRate: LR, key: 'div' }).catch((e: unknown) => e)
    expect(isClError(err, 'CL_DIVERGED')).toBe(true)
    expect(err).toMatchObject({ step: 4, threshold: 1e6 })
    expect((err as Error).message).toMatch(/^div: loss at step 4 is [0-9.e+]+, beyond the divergence threshold \|loss\| > 1000000/)
    // A higher threshold lets the same run through.
    const again = regressionProblem({ explodeAt: 3 })
    await expect(train(again.job, { steps: 5, learningRate: LR, divergenceThreshold: Number.POSITIVE_INFINITY })).resolves.toMatchObject({ stepsRun: 5 })
    tf.dispose([model, again.model].flatMap((m) => [...m.namedVariables.values()]))
  })
})

describe('train validates', () => {
  it('options and job keys, naming the field', async () => {
    const { model, job } = regressionProblem()
    await expect(train(job, { steps: 0, learningRate: LR })).rejects.toMatchObject({ code: 'CL_INVALID_CONFIG', field: 'steps' })
    await expect(train(job, { steps: 2.5, learningRate: LR })).rejects.toMatchObject({ field: 'steps' })
    await expect(train(job, { steps: 3, learningRate: -1 })).rejects.toMatchObject({ field: 'learningRate' })
    await expect(train(job, { steps: 3, learningRate: LR, beta2: 1 })).rejects.toMatchObject({ field: 'beta2' })
    await expect(train(job, { steps: 3, learningRate: LR, key: '../x' })).rejects.toMatchObject({ field: 'key' })
    await expect(train(job, { steps: 3, learningRate: LR, checkpointEvery: 0 })).rejects.toMatchObject({ field: 'checkpointEvery' })
    await expect(train(job, { steps: 3, learningRate: LR, divergenceThreshold: 0 })).rejects.toMatchObject({ field: 'divergenceThreshold' })
    await expect(train({ ...job, variables: [...job.variables.values()] as never }, { steps: 3, learningRate: LR })).rejects.toMatchObject({ field: 'variables' })
    const frozen = new Map([...job.variables].map(([k, v]) => [k, { ...v, trainable: false, name: v.name, shape: v.shape } as unknown as typeof v]))
    await expect(train({ ...job, variables: frozen }, { steps: 3, learningRate: LR })).rejects.toThrow(/invalid variables: expected at least one trainable variable/)
    model.dispose()
  })

  it('a checkpoint beyond the job\'s steps is a typed error naming the job and how to continue', async () => {
    const store = new MemoryCheckpointStore()
    const { model, job } = regressionProblem()
    await train(job, { steps: 8, learningRate: LR, key: 'long', store, checkpointEvery: 6 })
    await expect(train(job, { steps: 4, learningRate: LR, key: 'long', store })).rejects.toMatchObject({
      code: 'CL_CHECKPOINT',
      message: "checkpoint of job 'long' is at step 6, outside [0, 4] for this job; remove it to restart the job from step 0",
    })
    model.dispose()
  })

  it('a checkpoint of another architecture is rejected by shape before any weight changes', async () => {
    const store = new MemoryCheckpointStore()
    const small = createLinearEncoder({ inputDim: 4, outputDim: 3, seed: 1 })
    const bigger = createLinearEncoder({ inputDim: 5, outputDim: 3, seed: 1 })
    const lossOf = (m: typeof small, d: number) => () => tf.mean(tf.square(m.apply(tf.ones([2, d])))) as tf.Scalar
    await train({ variables: small.namedVariables, loss: lossOf(small, 4) }, { steps: 4, learningRate: LR, key: 'arch', store, checkpointEvery: 2 })
    const before = weightBits(bigger as never)
    const err = await train({ variables: bigger.namedVariables, loss: lossOf(bigger, 5) }, { steps: 4, learningRate: LR, key: 'arch', store }).catch((e: unknown) => e)
    expect(isClError(err, 'CL_SHAPE_MISMATCH')).toBe(true)
    expect(weightBits(bigger as never)).toEqual(before)
    small.dispose()
    bigger.dispose()
  })
})
