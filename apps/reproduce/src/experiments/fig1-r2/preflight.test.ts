import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../run/runner.js'
import type { ExperimentContext } from '../experiment.js'
import { sinhFactory, userDgp, wrongContentFactory } from '../user-dgp.test-helper.js'
import { fig1R2Box, fig1R2Sphere, type Fig1R2Config, type LayerR2Run } from './index.js'
import { MemoryCheckpointStore } from '@cl/train'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('fig1-r2 preflight', () => {
  const quick = fig1R2Box.presets.quick
  it('accepts both presets', () => {
    for (const e of [fig1R2Box, fig1R2Sphere]) for (const p of ['quick', 'paper'] as const) expect(() => e.preflight!(e.presets[p], {})).not.toThrow()
  })
  it('refuses a batch whose N×N loss matrices cannot fit, naming train.batchSize and the maximum', () => {
    const config = resolveConfig(fig1R2Box, 'quick', { train: { batchSize: 100_000 } })
    expect(() => fig1R2Box.preflight!(config, {})).toThrow(/^invalid config\.train\.batchSize: expected at most \d+ for this encoder .*received 100000$/)
  })
  it('refuses temperatures that vanish in float32, naming the field', () => {
    const variants = quick.variants.map((v, i) => (i === 2 ? { ...v, tauContent: 1e-46 } : v))
    expect(() => fig1R2Box.preflight!({ ...quick, variants }, {})).toThrow(/^invalid config\.variants\.2\.tauContent: expected a temperature representable in float32/)
    expect(() => fig1R2Box.preflight!({ ...quick, tauStyle: 1e-40 }, {})).toThrow(/^invalid config\.tauStyle/)
  })
  it('probes a user DGP for every d_c the variants use (the control asks for 0)', () => {
    expect(() => fig1R2Box.preflight!(quick, { userDgp: userDgp(sinhFactory) })).not.toThrow()
    expect(() => fig1R2Box.preflight!(quick, { userDgp: userDgp(wrongContentFactory) })).toThrow(/fig1-r2-box: \/tmp\/my-dgp\.mjs returned a DGP with metadata\.contentDims = 1 for contentDims 2/)
  })
  it('names the right field when a variant d_c leaves the range (schema refine path)', () => {
    const variants = quick.variants.map((v, i) => (i === 2 ? { ...v, contentDims: 10 } : v))
    expect(() => resolveConfig(fig1R2Box, 'quick', { variants })).toThrow(/^invalid config\.variants\.2\.contentDims: expected contentDims < dims = 10/)
  })
})

describe('fig1-r2 on a user DGP', () => {
  it('trains on the DGP the factory returns and names it in metrics and report', async () => {
    const config: Fig1R2Config = resolveConfig(fig1R2Box, 'quick', {
      dims: 4,
      evalSamples: 64,
      train: { steps: 3, batchSize: 16 },
      encoder: { hiddenWidths: [8] },
    })
    const asked: unknown[] = []
    const dgp = userDgp((o) => {
      asked.push(o)
      return sinhFactory(o)
    })
    const context: ExperimentContext<Fig1R2Config> = {
      config,
      preset: 'quick',
      seeds: [5],
      backend: { backend: 'cpu', detail: 'test', forced: true, attempts: [] },
      runDir: mkdtempSync(path.join(tmpdir(), 'cl-r2-user-')),
      store: new MemoryCheckpointStore(),
      log: () => {},
      userDgp: dgp,
      signal: new AbortController().signal,
    }
    const before = tf.memory().numTensors
    const out = await fig1R2Box.run(context)
    expect(tf.memory().numTensors).toBe(before)
    expect(asked).toEqual([
      { space: 'box', dims: 4, contentDims: 2, seed: 5 },
      { space: 'box', dims: 4, contentDims: 0, seed: 5 },
      { space: 'box', dims: 4, contentDims: 2, seed: 5 },
      // the adaptive-τ variant (the fix's DGP)
      { space: 'box', dims: 4, contentDims: 2, seed: 5 },
    ])
    expect(out.metrics.dgp).toEqual({ module: '/tmp/my-dgp.mjs', sha256: 'ab'.repeat(32) })
    expect(out.reportMarkdown).toMatch(/^DGP: user module `\/tmp\/my-dgp\.mjs` \(sha256 (ab){32}\)\./)
    expect((out.metrics.runs as LayerR2Run[]).map((r) => r.outputSpectrum.length)).toEqual([4, 4, 4, 4])
    expect(out.figures.map((f) => f.name)).toEqual(['fig1-r2-box', 'fig1-r2-box-output-spectrum'])
    // single-column figures (≤ 250 px ≈ 3.3 in at 1 px = 1 pt), each with a PNG rendering
    for (const f of out.figures) {
      expect(Number(/<svg[^>]*\bwidth="([\d.]+)"/.exec(f.svg)![1]), f.name).toBeLessThanOrEqual(250)
      expect([...f.png!.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
    }
  })
})
