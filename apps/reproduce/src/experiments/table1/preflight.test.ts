import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../run/runner.js'
import type { ExperimentContext } from '../experiment.js'
import { noInverseFactory, sinhFactory, userDgp } from '../user-dgp.test-helper.js'
import { table1, type SeedResult, type Table1Config } from './index.js'
import { MemoryCheckpointStore } from '@cl/train'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('table1 preflight', () => {
  const quick = table1.presets.quick
  it('names train.batchSize and evalSamples when they cannot fit', () => {
    expect(() => table1.preflight!(resolveConfig(table1, 'quick', { train: { batchSize: 10_000_000 } }), {})).toThrow(/^invalid config\.train\.batchSize: expected at most \d+/)
    expect(() => table1.preflight!(resolveConfig(table1, 'quick', { evalSamples: 1e9 }), {})).toThrow(/^invalid config\.evalSamples: expected at most about \d+/)
  })
  it('names τ when it is 0 or subnormal in float32', () => {
    expect(() => table1.preflight!({ ...quick, tau: 1e-300 }, {})).toThrow(/^invalid config\.tau: expected a temperature representable in float32/)
  })
  it('needs g⁻¹: a user DGP whose inverse throws fails in one line naming the module', () => {
    expect(() => table1.preflight!(quick, { userDgp: userDgp(noInverseFactory, '/data/one-way.mjs') })).toThrow(
      /^table1 needs the generator's inverse g⁻¹ \(the f = g⁻¹ row\); \/data\/one-way\.mjs's generator 'one-way' inverse threw: not invertible in closed form$/,
    )
    expect(() => table1.preflight!(quick, { userDgp: userDgp(sinhFactory) })).not.toThrow()
  })
})

describe('table1 on a user DGP', () => {
  it('evaluates f = g⁻¹ with the user generator and names the DGP', async () => {
    const config: Table1Config = resolveConfig(table1, 'quick', { dims: 4, evalSamples: 64, train: { steps: 2, batchSize: 16 }, encoder: { hiddenWidths: [8] }, sphere: { contentDims: 1 } })
    const context: ExperimentContext<Table1Config> = {
      config,
      preset: 'quick',
      seeds: [1],
      backend: { backend: 'cpu', detail: 'test', forced: true, attempts: [] },
      runDir: mkdtempSync(path.join(tmpdir(), 'cl-t1-user-')),
      store: new MemoryCheckpointStore(),
      log: () => {},
      userDgp: userDgp(sinhFactory),
      signal: new AbortController().signal,
    }
    const before = tf.memory().numTensors
    const out = await table1.run(context)
    expect(tf.memory().numTensors).toBe(before)
    expect(out.metrics.dgp).toEqual({ module: '/tmp/my-dgp.mjs', sha256: 'ab'.repeat(32) })
    // f = g⁻¹ recovers z exactly, so its L_align is the mean squared style step of the user's conditional: finite, > 0
    const box = (out.metrics.perSeed as Record<'box', SeedResult[]>).box[0]!
    expect(box.gInverse.align).toBeGreaterThan(0)
    // one seed: "n = 1", never "± 0.00"
    expect(out.reportMarkdown).toMatch(/\| f = g⁻¹ \(ours\) \| -?\d+\.\d\d \(n = 1\) \|/)
    for (const line of out.reportMarkdown.split('\n').filter((l) => l.includes('(ours)'))) expect(line).not.toMatch(/±/)
    expect(out.claims[0]!.measured).toMatch(/\(n = 1\)$/)
    // single-column figures (≤ 250 px ≈ 3.3 in at 1 px = 1 pt), each with a PNG rendering
    for (const f of out.figures) {
      expect(Number(/<svg[^>]*\bwidth="([\d.]+)"/.exec(f.svg)![1]), f.name).toBeLessThanOrEqual(250)
      expect([...f.png!.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
    }
  })
})
