import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { useFastWasmKernels } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { EXIT_CODES } from '../../run/exit-codes.js'
import type { ExperimentContext } from '../experiment.js'
import { TINY_IMAGE_OVERRIDES } from '../images/tiny.test-helper.js'
import { diffTau, table2, type Table2Config, type Table2Results } from './index.js'
import { CheckpointStore } from '../../train/checkpoint-store.js'

// wasm with @cl/core's conv gradient kernels: tfjs-cpu's Conv2DBackpropFilter takes seconds even at 8 px.
beforeAll(async () => {
  await tf.setBackend('wasm')
  useFastWasmKernels()
})

const tmp = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix))

describe('table2', () => {
  it('runs end to end at tiny scale: result.json with the six claims, report and figure', async () => {
    const out = path.join(tmp('cl-t2-'), 'run')
    const err: string[] = []
    const code = await main(['run', 'table2', '--backend', 'wasm', '--out', out, ...TINY_IMAGE_OVERRIDES, '--set', 'projector.outputDim=4'], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(['above-chance', 'regular-before-beats-after', 'every-variant-before-beats-after', 'diff-tau-improves-after', 'diff-tau-improves-before', 'no-norm-after-unchanged'])
    expect(readFileSync(path.join(out, 'table2-readout.svg'), 'utf8')).toMatch(/^<svg/)
    expect(existsSync(path.join(out, 'table2-readout.png'))).toBe(true)
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/\| w\/o norm\. \+ diff\. τ \| 92\.5 ± 0\.2 \| 93\.2 ± 0\.1 \| \d+\.\d \(n = 1\) \|/)
  })

  it('resumes an interrupted run by skipping finished sub-runs', async () => {
    const config: Table2Config = resolveConfig(table2, 'quick', {
      data: { sslTrainImages: 40, readoutTrainImages: 20, readoutTestImages: 20 },
      augment: { size: 8 },
      train: { steps: 2, batchSize: 8, warmupSteps: 0, cosineSteps: 2 },
      readout: { maxIterations: 10 },
      evalBatchSize: 20,
      projector: { outputDim: 4 },
    })
    const runDir = tmp('cl-t2-resume-')
    const lines: string[] = []
    const controller = new AbortController()
    const context = (signal: AbortSignal): ExperimentContext<Table2Config> => ({
      config, preset: 'quick', seeds: [5], backend: { backend: 'wasm', detail: 'test', forced: true, attempts: [] }, runDir, store: new CheckpointStore(runDir), signal,
      log: (l) => {
        lines.push(l)
        // stop once the first model is done: the second one is interrupted before its first step
        if (l.startsWith('table2-regular-seed5: readout')) controller.abort('test interrupt')
      },
    })
    await expect(table2.run(context(controller.signal))).rejects.toThrow(/interrupted|test interrupt/i)
    const first = lines.find((l) => l.startsWith('table2-regular-seed5: readout'))
    expect(first).toBeDefined()
    lines.length = 0
    const before = tf.memory().numTensors
    const out = await table2.run(context(new AbortController().signal))
    expect(tf.memory().numTensors).toBe(before)
    expect(lines).toContain('table2-regular-seed5: already finished (resumed run)')
    expect(lines.some((l) => l.startsWith('table2-wo-norm-seed5: readout'))).toBe(true)
    const perSeed = out.metrics.perSeed as Table2Results
    expect(first).toContain(`after ${perSeed.regular[0]!.after.toFixed(1)} %`)
  })

  it('diff. τ puts the first τ on the first half of the projection dims', () => {
    expect(diffTau(5, 1, 0.7)).toEqual([1, 1, 1, 0.7, 0.7])
    expect(diffTau(256, 1, 0.7).filter((t) => t === 1)).toHaveLength(128)
  })

  it('refuses the paper preset without CIFAR-10 before writing anything (exit 2)', async () => {
    const saved = process.env.CL_CIFAR10_DIR
    delete process.env.CL_CIFAR10_DIR
    try {
      const out = path.join(tmp('cl-t2-cifar-'), 'run')
      const err: string[] = []
      const code = await main(['run', 'table2', '--preset', 'paper', '--backend', 'wasm', '--out', out], { io: { out: () => {}, err: (l) => err.push(l) } })
      expect(code).toBe(EXIT_CODES.usage)
      expect(err.join('\n')).toMatch(/invalid config\.data\.dir: expected a folder with the CIFAR-10 binary version/)
      expect(existsSync(out)).toBe(false)
    } finally {
      if (saved !== undefined) process.env.CL_CIFAR10_DIR = saved
    }
  })
})
