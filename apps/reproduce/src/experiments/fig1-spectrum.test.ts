import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../cli.js'
import { resolveConfig } from '../run/runner.js'
import { resultSchema } from '../run/result-schema.js'
import { fig1Spectrum, summarizeSpectra, tailMean, type Fig1SpectrumConfig, type SpectrumRun } from './fig1-spectrum.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('fig1-spectrum', () => {
  it('runs end to end at small scale: one collapse and one restore claim per d_c > 0 and space, two figures', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-f1-')), 'run')
    const err: string[] = []
    const sets = ['contentDims=[0,2]', 'dims=4', 'generator.thresholdDraws=50', 'spaces.box.train.steps=20', 'spaces.box.train.batchSize=32', 'spaces.sphere.train.steps=20', 'spaces.sphere.train.batchSize=32']
    const code = await main(['run', 'fig1-spectrum', '--backend', 'cpu', '--out', out, ...sets.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(['box-dc2-collapse', 'box-dc2-tauc0.1-restores', 'sphere-dc2-collapse', 'sphere-dc2-tauc0.1-restores'])
    const runs = (result.metrics as { runs: SpectrumRun[] }).runs
    expect(runs).toHaveLength(6)
    for (const r of runs) {
      expect(r.weights[0]).toBeCloseTo(1, 12)
      expect(r.endToEnd).toHaveLength(4)
      for (let k = 1; k < 4; k++) expect(r.endToEnd[k]!).toBeLessThanOrEqual(r.endToEnd[k - 1]!)
    }
    expect(readFileSync(path.join(out, 'fig1-spectrum-weights.svg'), 'utf8')).toMatch(/normalised singular value/)
  })

  it('validates the sweep', () => {
    expect(() => resolveConfig(fig1Spectrum, 'quick', { contentDims: [1, 2] })).toThrow(/invalid config\.contentDims/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { contentDims: [0, 8] })).toThrow(/invalid config\.contentDims/)
  })

  it('claims follow the constructed spectra: collapse holds, restore fails when the τ run stays collapsed', async () => {
    const config = { ...(fig1Spectrum.presets.quick as Fig1SpectrumConfig), dims: 4, contentDims: [0, 2], spaces: { box: (fig1Spectrum.presets.quick as Fig1SpectrumConfig).spaces.box } }
    const run = (dc: number, tauContent: number, spectrum: number[]): SpectrumRun => ({ space: 'box', contentDims: dc, tauContent, seed: 0, weights: spectrum, endToEnd: spectrum, finalLoss: 1, lossHistory: [] })
    const flat = [1, 0.98, 0.97, 0.95]
    const collapsed = [1, 0.9, 0.2, 0.1]
    const out = await summarizeSpectra(config, [run(0, 1, flat), run(2, 1, collapsed), run(2, 0.1, collapsed)])
    expect(out.claims.map((c) => [c.id, c.holds])).toEqual([['box-dc2-collapse', true], ['box-dc2-tauc0.1-restores', false]])
    const restored = await summarizeSpectra(config, [run(0, 1, flat), run(2, 1, flat), run(2, 0.1, flat)])
    expect(restored.claims.map((c) => c.holds)).toEqual([false, true])
    expect(tailMean([1, 0.5, 0.2, 0.1], 2)).toBeCloseTo(0.15, 12)
  })
})
