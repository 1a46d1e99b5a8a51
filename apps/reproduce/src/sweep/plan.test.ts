import { describe, expect, it } from 'vitest'
import { table1 } from '../experiments/table1/index.js'
import { parseOverrides } from '../run/overrides.js'
import { parseGrid } from './grid.js'
import { canonicalJson, differingField, estimateWork, planSweep, type SweepRequest } from './plan.js'
import { sweepManifestSchema } from './manifest.js'

const base: SweepRequest = {
  experiment: table1,
  preset: 'quick',
  grid: parseGrid(['tau=0.5,1', 'train.steps=10,20,30']),
  seed: 7,
  seeds: 2,
  overrides: parseOverrides(['train.batchSize=32', 'evalSamples=64']),
  backend: 'cpu',
  threads: 1,
  appVersion: '0.0.0-test',
}

describe('planSweep', () => {
  it('numbers tasks point by point with the seeds innermost, and validates as a manifest', () => {
    const m = planSweep(base, new Date('2026-12-02T00:00:00Z'))
    expect(sweepManifestSchema.parse(m)).toEqual(m)
    expect(m.tasks).toHaveLength(2 * 3 * 2)
    expect(m.tasks.map((t) => t.index)).toEqual([...Array(12).keys()])
    expect(m.tasks[0]).toMatchObject({ point: { tau: 0.5, 'train.steps': 10 }, pointIndex: 0, seed: 7, dir: 'tasks/0' })
    expect(m.tasks[1]).toMatchObject({ point: { tau: 0.5, 'train.steps': 10 }, pointIndex: 0, seed: 8, dir: 'tasks/1' })
    expect(m.tasks[11]).toMatchObject({ point: { tau: 1, 'train.steps': 30 }, pointIndex: 5, seed: 8 })
    // one training block in the config (table1 trains box and sphere with it): steps × batchSize
    expect(m.tasks[0]!.work).toBe(10 * 32)
    expect(m.tasks[11]!.work).toBe(30 * 32)
  })

  it('refuses, before anything is written, a bad value (naming the grid point), a key that is also --set, too many tasks', () => {
    expect(() => planSweep({ ...base, grid: parseGrid(['tau=1,-1']) })).toThrow(/point tau = -1.*config\.tau/)
    expect(() => planSweep({ ...base, grid: parseGrid(['train.batchSize=16,32']) })).toThrow(/--grid train\.batchSize.*--set/)
    expect(() => planSweep({ ...base, grid: parseGrid(['nope=1,2']) })).toThrow(/invalid --grid nope: expected a config key of 'table1'/)
    expect(() => planSweep({ ...base, grid: parseGrid([`dims=${Array.from({ length: 200 }, (_, i) => i + 11).join(',')}`]), seeds: 100 })).toThrow(/at most 10000 tasks/)
  })

  it('an empty grid is one point: the seeds alone (Table 1 over 3 seeds)', () => {
    const m = planSweep({ ...base, grid: [], seeds: 3 })
    expect(m.tasks.map((t) => [t.pointIndex, t.seed])).toEqual([[0, 7], [0, 8], [0, 9]])
  })
})

describe('estimateWork', () => {
  it('sums steps × batchSize over every training block; 1 when nothing trains', () => {
    expect(estimateWork({ a: { train: { steps: 10, batchSize: 4 } }, b: [{ steps: 2, batchSize: 3 }] })).toBe(46)
    expect(estimateWork({ dims: 3 })).toBe(1)
  })
})

describe('differingField', () => {
  it('ignores the order of --set keys, threads and timestamps; names the first differing setting', () => {
    const a = planSweep(base)
    const b = planSweep({ ...base, overrides: parseOverrides(['evalSamples=64', 'train.batchSize=32']), threads: 2 }, new Date(0))
    expect(canonicalJson(a.overrides)).toBe(canonicalJson(b.overrides))
    expect(differingField(a, b)).toBeUndefined()
    expect(differingField(a, planSweep({ ...base, seeds: 3 }))?.field).toBe('seeds')
    expect(differingField(a, planSweep({ ...base, backend: 'wasm' }))?.field).toBe('backend')
  })
})
