import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runExperiment } from '../../api.js'
import { expectCloseTo } from '../../sweep/collect/close-to.test-helper.js'
import { fig1R2Box, variantNames, type Fig1R2Config } from './index.js'

const TINY = ['train.steps=5', 'train.batchSize=32', 'evalSamples=64', 'encoder.hiddenWidths=[16]', 'generator.thresholdDraws=10']
const quiet = () => {}

describe('fig1-r2 sweep support (§4.1, Fig. 1 middle)', () => {
  it('combineSeeds of two single-seed runs equals one run with --seeds 2 (runs, mean layers, claims)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cl-r2-sweep-'))
    const both = await runExperiment({ experiment: 'fig1-r2-box', set: TINY, seeds: 2, backend: 'cpu', out: path.join(root, 'both'), log: quiet })
    const single = [
      await runExperiment({ experiment: 'fig1-r2-box', set: TINY, seed: 0, backend: 'cpu', out: path.join(root, 's0'), log: quiet }),
      await runExperiment({ experiment: 'fig1-r2-box', set: TINY, seed: 1, backend: 'cpu', out: path.join(root, 's1'), log: quiet }),
    ]
    const config = fig1R2Box.configSchema.parse(single[0]!.result.config) as Fig1R2Config
    const combined = await fig1R2Box.sweep!.combineSeeds!(config, single.map((r) => r.result.metrics), {})
    const strip = (runs: unknown) => (runs as Record<string, unknown>[]).map(({ lossHistory: _h, ...r }) => r)
    expectCloseTo(strip(combined.metrics.runs), strip(both.result.metrics.runs))
    expectCloseTo(combined.metrics.meanLayers, both.result.metrics.meanLayers)
    expect(combined.claims.map((c) => [c.id, c.holds, c.measured])).toEqual(both.result.claims.map((c) => [c.id, c.holds, c.measured]))
    const scalars = fig1R2Box.sweep!.scalars(single[0]!.result.metrics, config)
    expect(Object.keys(scalars)).toEqual(variantNames(config).flatMap((n) => [`${n}: content R²`, `${n}: style R²`]))
  }, 60_000)
})
