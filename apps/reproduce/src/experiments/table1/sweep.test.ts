import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectCloseTo } from '../../sweep/collect/close-to.test-helper.js'
import { multiAndSingleSeedRuns } from '../seed-runs.test-helper.js'
import { table1, type Table1Config } from './index.js'

const TINY = ['train.steps=5', 'train.batchSize=32', 'evalSamples=64', 'encoder.hiddenWidths=[16]', 'generator.thresholdDraws=100']

describe('table1 sweep support (§4.1, Table 1)', () => {
  it('combineSeeds of two single-seed runs equals one run with --seeds 2 (metrics.ours, claims, report table)', async () => {
    const { both, single } = await multiAndSingleSeedRuns('table1', TINY)
    const config = table1.configSchema.parse(single[0]!.result.config) as Table1Config
    const combined = await table1.sweep!.combineSeeds!(config, single.map((r) => r.result.metrics), {})
    expectCloseTo(combined.metrics.ours, both.result.metrics.ours)
    expect((combined.metrics.ours as { box: { trained: { total: { n: number } } } }).box.trained.total.n).toBe(2)
    expect(combined.claims.map((c) => [c.id, c.holds, c.measured])).toEqual(both.result.claims.map((c) => [c.id, c.holds, c.measured]))
    // the report's Table 1 rows are those of the 2-seed run's report.md
    const rows = (md: string) => md.split('\n').filter((l) => l.startsWith('| f'))
    expect(rows(combined.reportMarkdown)).toHaveLength(4)
    expect(rows(combined.reportMarkdown)).toEqual(rows(readFileSync(path.join(both.dir, 'report.md'), 'utf8')))
    // scalars of one run: its table cells
    const scalars = table1.sweep!.scalars(single[1]!.result.metrics, config)
    expect(Object.keys(scalars)).toHaveLength(12)
    const perSeed = single[1]!.result.metrics.perSeed as { sphere: { trained: { total: number } }[] }
    expect(scalars['sphere L_CL (f_InfoNCE)']).toBe(perSeed.sphere[0]!.trained.total)
    expect(table1.sweep!.group!('sphere L_CL (f_InfoNCE)')).toBe('sphere')
  }, 60_000)
})
