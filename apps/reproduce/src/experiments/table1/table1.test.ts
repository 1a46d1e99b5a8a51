import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { summarize, table1, type Table1Config } from './index.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const tiny = ['--set', 'evalSamples=300', '--set', 'train.steps=30', '--set', 'train.batchSize=32', '--set', 'encoder.hiddenWidths=[16,16]', '--set', 'generator.thresholdDraws=200']

describe('table1', () => {
  it('runs end to end at small scale and writes a schema-valid result with the four claims', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-t1-')), 'run')
    const err: string[] = []
    const code = await main(['run', 'table1', '--backend', 'cpu', '--out', out, ...tiny], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(['box-g-inverse-uniform', 'sphere-g-inverse-uniform', 'box-collapsed-lower-loss', 'sphere-collapsed-lower-loss'])
    expect(readFileSync(path.join(out, 'table1-losses.svg'), 'utf8')).toMatch(/^<svg/)
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/\| f = g⁻¹ \(ours\) \|/)
  })

  it('rejects configs without style dims', () => {
    // the error names the field that was set, not dims (issue: `--set box.contentDims=12` blamed dims)
    expect(() => resolveConfig(table1, 'quick', { box: { contentDims: 10 } })).toThrow(/^invalid config\.box\.contentDims: expected contentDims < dims = 10/)
    expect(() => resolveConfig(table1, 'quick', { sphere: { contentDims: 12 } })).toThrow(/^invalid config\.sphere\.contentDims: .*received 12$/)
    expect(() => resolveConfig(table1, 'quick', { train: { steps: 0 } })).toThrow(/invalid config\.train\.steps/)
  })

  it('claims fail on constructed results where the trained encoder does not win or g⁻¹ is off', async () => {
    const config = table1.presets.quick as Table1Config
    const seed = (gUniform: number, gTotal: number, tTotal: number) => ({
      gInverse: { align: gTotal - gUniform, uniform: gUniform, total: gTotal },
      trained: { align: 0.1, uniform: tTotal - 0.1, total: tTotal },
      lossHistory: [[1, tTotal] as [number, number]],
      trainSeconds: 1,
    })
    const out = await summarize(config, { box: [seed(7.7, 7.72, 8.5)], sphere: [seed(9.0, 8.9, 8.3)] })
    const holds = Object.fromEntries(out.claims.map((c) => [c.id, c.holds]))
    expect(holds).toEqual({
      'box-g-inverse-uniform': true,
      'sphere-g-inverse-uniform': false,
      'box-collapsed-lower-loss': false,
      'sphere-collapsed-lower-loss': true,
    })
  })
})
