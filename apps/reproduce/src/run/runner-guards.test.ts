import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { BackendGuards } from '../backend/guards.js'
import type { BackendSelection } from '../backend/select.js'
import { WebGpuValidationError } from '../errors.js'
import { runExperiments } from './runner.js'
import { RESULT_FILE, STATUS_FILE } from './run-dir.js'
import { toyExperiment } from './toy-experiment.test-helper.js'

/** The backend's guards wrap every experiment: a device error they raise fails the run, never completes it. */
describe('runner: backend guards around experiment.run', () => {
  let root: string
  beforeAll(async () => {
    await tf.setBackend('cpu')
    root = mkdtempSync(path.join(tmpdir(), 'cl-guards-'))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  const selectionWith = (guards: BackendGuards) => async (): Promise<BackendSelection> => ({
    backend: 'cpu',
    detail: 'test',
    forced: true,
    attempts: [{ backend: 'cpu', outcome: 'selected', reason: 'test' }],
    guards,
  })
  const options = (out: string, guards: BackendGuards) => ({
    preset: 'quick' as const,
    seed: 0,
    seeds: 1,
    backend: 'cpu' as const,
    out,
    overrides: {},
    log: () => undefined,
    select: selectionWith(guards),
    appVersion: 'test',
  })

  it('runs the experiment inside runGuarded', async () => {
    let wrapped = 0
    const guards: BackendGuards = { checkFits: () => undefined, runGuarded: async (fn) => (wrapped++, fn()) }
    const [run] = await runExperiments([toyExperiment], options(path.join(root, 'ok'), guards))
    expect(wrapped).toBe(1)
    expect(run?.result.metrics).toEqual({ sum: 4 })
  })

  it('a device error raised by the guards marks the run failed and writes no result.json', async () => {
    const guards: BackendGuards = {
      checkFits: () => undefined,
      runGuarded: async (fn) => {
        await fn() // the experiment "succeeds" with numbers the device cannot vouch for
        throw new WebGpuValidationError(['validation: binding too large'])
      },
    }
    const dir = path.join(root, 'bad')
    await expect(runExperiments([toyExperiment], options(dir, guards))).rejects.toMatchObject({ code: 'CL_WEBGPU_VALIDATION' })
    expect(existsSync(path.join(dir, RESULT_FILE))).toBe(false)
    const status = JSON.parse(readFileSync(path.join(dir, STATUS_FILE), 'utf8')) as { state: string; error: string }
    expect(status.state).toBe('failed')
    expect(status.error).toMatch(/binding too large/)
  })
})
