import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { isClError, useFastWasmKernels } from '@cl/core'
import { MemoryCheckpointStore } from '@cl/train'
import { beforeAll, describe, expect, it } from 'vitest'
import { table2 } from '../table2/index.js'
import { CIFAR10_DIR_ENV, CIFAR10_FILES, checkImageData, excludeFromDecay, extractFeatures, loadExperimentImages, subsetIndices, trainSimclr, createBackbone, QUICK_IMAGE_SETTING, type ImageDataConfig } from './index.js'

// wasm with @cl/core's conv gradient kernels: tfjs-cpu's Conv2DBackpropFilter takes seconds even at 8 px.
beforeAll(async () => {
  await tf.setBackend('wasm')
  useFastWasmKernels()
})

const cifar = (o: Partial<ImageDataConfig> = {}): ImageDataConfig => ({ dataset: 'cifar10', download: false, sslTrainImages: 10, readoutTrainImages: 10, readoutTestImages: 10, ...o })

describe('CIFAR-10 preflight', () => {
  it('refuses cifar10 without data, naming data.dir, the env variable and where to get it', () => {
    const env = {}
    let error: unknown
    try {
      checkImageData(cifar(), env)
    } catch (e) {
      error = e
    }
    expect(isClError(error, 'CL_INVALID_CONFIG')).toBe(true)
    expect((error as Error).message).toMatch(/^invalid config\.data\.dir: expected a folder with the CIFAR-10 binary version .*cifar-10-binary\.tar\.gz.*CL_CIFAR10_DIR.*data\.download=true.*, received "?unset/)
    const empty = mkdtempSync(path.join(tmpdir(), 'cl-cifar-empty-'))
    expect(() => checkImageData(cifar({ dir: empty }), env)).toThrow(new RegExp(`received "${empty}"`))
    // download on: the loader fetches into data.dir; no data needed up front
    expect(() => checkImageData(cifar({ dir: empty, download: true }), env)).not.toThrow()
    for (const f of CIFAR10_FILES) writeFileSync(path.join(empty, f), '')
    expect(() => checkImageData(cifar(), { [CIFAR10_DIR_ENV]: empty })).not.toThrow()
    expect(() => checkImageData({ ...cifar(), dataset: 'fashion-mnist' }, env)).not.toThrow()
  })

  it('the paper preset of table2 is refused by preflight when CL_CIFAR10_DIR is unset', () => {
    const saved = process.env[CIFAR10_DIR_ENV]
    delete process.env[CIFAR10_DIR_ENV]
    try {
      expect(() => table2.preflight!(table2.presets.paper, {})).toThrow(/^invalid config\.data\.dir/)
    } finally {
      if (saved !== undefined) process.env[CIFAR10_DIR_ENV] = saved
    }
  })
})

describe('image SSL core', () => {
  it('excludes biases and every BN parameter from weight decay, not conv kernels or projector weights', () => {
    const resnet = createBackbone({ arch: 'resnet-small', zeroInitResidual: false }, 8, 1, 0)
    try {
      const names = [...resnet.namedVariables.keys()]
      const excluded = names.filter(excludeFromDecay)
      expect(excluded.length).toBeGreaterThan(0)
      for (const n of excluded) expect(n).toMatch(/\/(gamma|beta|running_mean|running_var|bias)$/)
      for (const n of names.filter((x) => !excludeFromDecay(x))) expect(n).toMatch(/kernel$/)
    } finally {
      resnet.dispose()
    }
    expect(excludeFromDecay('projector/dense_1/bias')).toBe(true)
    expect(excludeFromDecay('projector/dense_1/kernel')).toBe(false)
  })

  it('subsets are the same images for every run and cover all classes of a class-sorted split', async () => {
    expect([...subsetIndices(100, 5)]).toEqual([...subsetIndices(100, 5)])
    expect(new Set(subsetIndices(100, 100)).size).toBe(100)
    const images = await loadExperimentImages({ dataset: 'fashion-mnist', download: false, sslTrainImages: 50, readoutTrainImages: 30, readoutTestImages: 20 })
    expect(new Set(Array.from(images.readoutTrain, (i) => images.dataset.train.labels[i])).size).toBeGreaterThanOrEqual(8)
  })

  it('trains without leaking tensors (a per-step leak would accumulate over the steps) and extracts features leak-free', async () => {
    const images = await loadExperimentImages({ dataset: 'fashion-mnist', download: false, sslTrainImages: 40, readoutTrainImages: 10, readoutTestImages: 10 })
    const resnet = createBackbone({ arch: 'resnet-small', zeroInitResidual: true }, 8, 1, 3)
    try {
      const before = tf.memory().numTensors
      await trainSimclr({
        key: 'leak', seed: 3, images, augmentSize: 8, variables: resnet.namedVariables, setTraining: (f) => resnet.setTraining(f),
        embed: (x) => resnet.apply(x), loss: { tau: 0.5, normalize: true },
        train: { ...QUICK_IMAGE_SETTING.train, steps: 3, batchSize: 8, warmupSteps: 1, cosineSteps: 2 },
        store: new MemoryCheckpointStore(), log: () => {},
      })
      expect(tf.memory().numTensors).toBe(before)
      const f = await extractFeatures(images, images.dataset.test, images.readoutTest, 8, 4, (x) => resnet.applyHR(x))
      expect(tf.memory().numTensors).toBe(before)
      expect(f.h.shape).toEqual([10, 32])
      expect(f.r.shape).toEqual([10, 64])
      expect(resnet.training).toBe(false)
    } finally {
      resnet.dispose()
    }
  })
})
