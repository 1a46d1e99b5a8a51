import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { isClError } from '@cl/core'
import { afterAll, describe, expect, it } from 'vitest'
import type { CheckpointStore } from './checkpoint.js'
import { FileCheckpointStore } from './file-store.js'
import { MemoryCheckpointStore } from './memory-store.js'
import { learningRateAt } from './schedule.js'
import { regressionProblem, weightBits } from './test-problem.js'
import { train, type StepInfo, type TrainOptions } from './train.js'

afterAll(async () => {
  await tf.setBackend('cpu')
})

const STEPS = 24
const noBias = (name: string) => name.endsWith('/bias')

/** SimSiam-like settings: warm-up, a cosine longer than the run, decay with biases excluded. */
const SETTINGS: Record<'sgd' | 'lars', Omit<TrainOptions, 'steps'>> = {
  sgd: { optimizer: 'sgd', learningRate: 0.02, momentum: 0.9, weightDecay: 1e-3, excludeFromDecay: noBias, schedule: { warmupSteps: 5, decay: 'cosine', finalLearningRate: 0.001, cosineSteps: 60 } },
  lars: { optimizer: 'lars', learningRate: 0.05, momentum: 0.9, larsEta: 0.2, weightDecay: 1e-4, excludeFromDecay: noBias, schedule: { warmupSteps: 5, decay: 'cosine', cosineSteps: 60 } },
}

async function uninterrupted(options: Omit<TrainOptions, 'steps'>) {
  const { model, job } = regressionProblem()
  const seen: StepInfo[] = []
  const before = tf.memory().numTensors
  const out = await train(job, { ...options, steps: STEPS, key: 'full', onStep: (i) => seen.push(i) })
  expect(tf.memory().numTensors).toBe(before)
  const bits = weightBits(model)
  model.dispose()
  return { bits, out, seen }
}

const scratch = () => mkdtempSync(path.join(tmpdir(), 'cl-train-opt-'))

describe.each(['cpu', 'wasm'])('train with SGD and LARS on %s', (backend) => {
  it('selects the backend', async () => {
    expect(await tf.setBackend(backend)).toBe(true)
  })

  for (const name of ['sgd', 'lars'] as const) {
    it(`${name}: lowers the loss, reports each step's scheduled learning rate, leaks nothing`, async () => {
      const { out, seen } = await uninterrupted(SETTINGS[name])
      expect(seen.map((s) => s.learningRate)).toEqual(seen.map((s) => learningRateAt(s.step - 1, { ...SETTINGS[name], steps: STEPS })))
      expect(seen[0]!.learningRate).toBe(0)
      expect(seen[4]!.learningRate).toBe(SETTINGS[name].learningRate)
      expect(out.finalLoss).toBeLessThan(out.lossHistory[0]![1] * 0.8)
    })

    for (const storeKind of ['memory', 'file'] as const) {
      it(`${name}: interrupted (abort at 9, ${storeKind} store) and killed after a checkpoint (at 16): resumes to the same bits`, async () => {
        const expected = await uninterrupted(SETTINGS[name])
        const store: CheckpointStore = storeKind === 'memory' ? new MemoryCheckpointStore() : new FileCheckpointStore(scratch())
        const controller = new AbortController()
        const first = regressionProblem()
        const err = await train(first.job, { ...SETTINGS[name], steps: STEPS, key: 'job', store, checkpointEvery: 8, signal: controller.signal, onStep: ({ step }) => step === 9 && controller.abort('SIGINT') }).catch((e: unknown) => e)
        first.model.dispose()
        expect(isClError(err, 'CL_INTERRUPTED')).toBe(true)
        const saved = (await store.loadCheckpoint('job'))!
        expect(saved).toMatchObject({ step: 9, adam: { t: 9, v: {} }, optimizer: { name, excludedFromDecay: ['dense_0/bias', 'dense_1/bias', 'dense_2/bias'] } })
        expect(saved.optimizer!.hyperParameters).toMatchObject({ momentum: 0.9, 'schedule.cosineSteps': 60, 'schedule.warmupSteps': 5 })
        // Momentum buffers are non-zero state: a resume that dropped them would diverge.
        expect(Object.values(saved.adam.m).some((t) => t.values.some((x) => x !== 0))).toBe(true)

        const second = regressionProblem({ initSeed: 99, throwAt: 19 })
        await expect(train(second.job, { ...SETTINGS[name], steps: STEPS, key: 'job', store, checkpointEvery: 8 })).rejects.toThrow(/killed at step 19/)
        second.model.dispose()
        expect((await store.loadCheckpoint('job'))?.step).toBe(16)

        const third = regressionProblem({ initSeed: 5 })
        const before = tf.memory().numTensors
        const out = await train(third.job, { ...SETTINGS[name], steps: STEPS, key: 'job', store, checkpointEvery: 8 })
        expect(tf.memory().numTensors).toBe(before)
        expect(out.startStep).toBe(16)
        expect(weightBits(third.model)).toEqual(expected.bits)
        expect(out.lossHistory).toEqual(expected.out.lossHistory)
        third.model.dispose()
      })
    }
  }
})

describe('checkpoints name their optimizer', () => {
  async function checkpointed(options: Omit<TrainOptions, 'steps'>, store: CheckpointStore) {
    await tf.setBackend('cpu')
    const { model, job } = regressionProblem()
    await train(job, { ...options, steps: 4, key: 'c', store, checkpointEvery: 2 })
    model.dispose()
  }
  async function resumeError(options: Omit<TrainOptions, 'steps'>, store: CheckpointStore) {
    const { model, job } = regressionProblem({ initSeed: 3 })
    const before = weightBits(model)
    const err = await train(job, { ...options, steps: 4, key: 'c', store }).catch((e: unknown) => e)
    expect(weightBits(model)).toEqual(before)
    model.dispose()
    return err
  }

  it('refuses another optimizer, other hyper-parameters, schedule or exclusions with a CheckpointError naming the field', async () => {
    const cases: [Omit<TrainOptions, 'steps'>, Omit<TrainOptions, 'steps'>, string, RegExp][] = [
      [SETTINGS.sgd, SETTINGS.lars, 'optimizer', /written by optimizer 'sgd', this job uses 'lars'/],
      [SETTINGS.lars, { ...SETTINGS.lars, momentum: 0 }, 'optimizer.hyperParameters.momentum', /written with momentum = 0\.9, this job has 0/],
      [SETTINGS.lars, { ...SETTINGS.lars, larsEta: 0.01 }, 'optimizer.hyperParameters.larsEta', /larsEta = 0\.2, this job has 0\.01/],
      [SETTINGS.lars, { ...SETTINGS.lars, learningRate: 1 }, 'optimizer.hyperParameters.learningRate', /learningRate = 0\.05/],
      [SETTINGS.sgd, { ...SETTINGS.sgd, weightDecay: 0 }, 'optimizer.hyperParameters.weightDecay', /weightDecay/],
      [SETTINGS.sgd, { ...SETTINGS.sgd, schedule: { warmupSteps: 5, decay: 'cosine', finalLearningRate: 0.001, cosineSteps: 61 } }, 'optimizer.hyperParameters.schedule.cosineSteps', /schedule\.cosineSteps = 60, this job has 61/],
      [SETTINGS.sgd, { ...SETTINGS.sgd, schedule: undefined }, 'optimizer.hyperParameters.schedule.warmupSteps', /schedule\.warmupSteps = 5, this job has 0/],
      [SETTINGS.lars, { ...SETTINGS.lars, excludeFromDecay: () => false }, 'optimizer.excludedFromDecay', /excluded \[dense_0\/bias, dense_1\/bias, dense_2\/bias\] from weight decay, this job excludes \[\]/],
      [{ learningRate: 0.01 }, { learningRate: 0.01, beta2: 0.99 }, 'optimizer.hyperParameters.beta2', /beta2 = 0\.999/],
      [{ learningRate: 0.01 }, SETTINGS.sgd, 'optimizer', /written by optimizer 'adam'/],
    ]
    for (const [written, resumed, field, message] of cases) {
      const store = new MemoryCheckpointStore()
      await checkpointed(written, store)
      const err = await resumeError(resumed, store)
      expect(err).toMatchObject({ code: 'CL_CHECKPOINT', field })
      expect((err as Error).message).toMatch(message)
    }
  })

  it('an Adam checkpoint written before the optimizer record existed loads as Adam (memory and file) and resumes exactly', async () => {
    await tf.setBackend('cpu')
    const expected = await uninterrupted({ learningRate: 0.01 })
    const dir = scratch()
    const store = new FileCheckpointStore(dir)
    const first = regressionProblem({ throwAt: 13 })
    await expect(train(first.job, { learningRate: 0.01, steps: STEPS, key: 'old', store, checkpointEvery: 12 })).rejects.toThrow(/killed/)
    first.model.dispose()
    // Strip the record: the file an older @cl/train wrote.
    const file = store.file('old', 'ckpt')
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    expect(raw.optimizer).toMatchObject({ name: 'adam' })
    delete raw.optimizer
    writeFileSync(file, JSON.stringify(raw))
    const legacy = store.loadCheckpoint('old')!
    expect(legacy.optimizer).toBeUndefined()
    // Into another optimizer: refused.
    const memory = new MemoryCheckpointStore()
    memory.saveCheckpoint('old', legacy)
    await expect(resumeErrorFor(SETTINGS.lars, memory)).resolves.toMatchObject({ code: 'CL_CHECKPOINT', field: 'optimizer' })
    for (const s of [store, memory]) {
      const { model, job } = regressionProblem({ initSeed: 4 })
      const out = await train(job, { learningRate: 0.01, steps: STEPS, key: 'old', store: s })
      expect(out.startStep).toBe(12)
      expect(weightBits(model)).toEqual(expected.bits)
      model.dispose()
    }
  })

  it('a malformed record in a file is a CheckpointError naming the file and the field', async () => {
    const store = new FileCheckpointStore(scratch())
    await checkpointed(SETTINGS.sgd, store)
    const file = store.file('c', 'ckpt')
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { optimizer: { name: string } }
    raw.optimizer.name = 'rmsprop'
    writeFileSync(file, JSON.stringify(raw))
    expect(() => store.loadCheckpoint('c')).toThrow(/c\.ckpt\.json is truncated or corrupt \(optimizer is not \{ name: adam \| sgd \| lars/)
  })

  it("Adam's implementations give the same bits through train; a checkpoint of one resumes with the other", async () => {
    await tf.setBackend('wasm')
    const expected = await uninterrupted({ learningRate: 0.01, weightDecay: 1e-2, excludeFromDecay: noBias, schedule: { warmupSteps: 3 } })
    const store = new MemoryCheckpointStore()
    const first = regressionProblem({ throwAt: 13 })
    const options = { learningRate: 0.01, weightDecay: 1e-2, excludeFromDecay: noBias, schedule: { warmupSteps: 3 }, steps: STEPS, key: 'impl', store, checkpointEvery: 12 }
    await expect(train(first.job, { ...options, adamImplementation: 'ops' })).rejects.toThrow(/killed/)
    first.model.dispose()
    const { model, job } = regressionProblem({ initSeed: 4 })
    await train(job, { ...options, adamImplementation: 'loop' })
    expect(weightBits(model)).toEqual(expected.bits)
    model.dispose()
    await tf.setBackend('cpu')
  })

  it('validates schedule and optimizer options through train, naming the field', async () => {
    const { model, job } = regressionProblem()
    await expect(train(job, { steps: 10, learningRate: 0.1, schedule: { decay: 'cosine', warmupSteps: 10 } })).rejects.toMatchObject({ field: 'schedule.cosineSteps' })
    await expect(train(job, { steps: 10, learningRate: 0.1, schedule: { warmup: 2 } as never })).rejects.toMatchObject({ field: 'schedule.warmup' })
    await expect(train(job, { steps: 10, learningRate: 0.1, optimizer: 'lars', momentum: 2 })).rejects.toMatchObject({ field: 'momentum' })
    await expect(train(job, { steps: 10, learningRate: 0.1, weightDecay: -1 })).rejects.toMatchObject({ field: 'weightDecay' })
    model.dispose()
  })
})

async function resumeErrorFor(options: Omit<TrainOptions, 'steps'>, store: CheckpointStore) {
  const { model, job } = regressionProblem({ initSeed: 3 })
  const err = await train(job, { ...options, steps: STEPS, key: 'old', store }).catch((e: unknown) => e)
  model.dispose()
  return err
}
