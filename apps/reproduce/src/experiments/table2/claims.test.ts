import { describe, expect, it } from 'vitest'
import { aggregateTable2, table2Claims, type Table2Results, type Table2SeedResult } from './claims.js'

const seedRun = (seed: number, after: number, before: number): Table2SeedResult => ({ seed, after, before, lossHistory: [[1, 5]], trainSeconds: 1 })
const results = (rows: Record<keyof Table2Results, [number, number][]>): Table2Results =>
  Object.fromEntries(Object.entries(rows).map(([v, list]) => [v, list.map(([a, b], i) => seedRun(i, a, b))])) as Table2Results
const verdicts = (r: Table2Results, classes = 10) => Object.fromEntries(table2Claims(r, aggregateTable2(r), classes).map((c) => [c.id, c.holds]))

describe('table2 claims', () => {
  it('all hold on the paper\'s own numbers (as three identical seeds)', () => {
    const paper = results({ regular: [[91.4, 93.0]], 'wo-norm': [[91.4, 92.5]], 'wo-norm-diff-tau': [[92.5, 93.2]] })
    expect(Object.values(verdicts(paper)).every(Boolean)).toBe(true)
  })

  it('each fails on a constructed counter-example', () => {
    // after beats before for regular; diff τ worse after and before; w/o norm 2 points higher after; one readout at 40 %
    const bad = results({ regular: [[80, 79], [82, 79]], 'wo-norm': [[84, 85], [84, 85]], 'wo-norm-diff-tau': [[83, 40], [83, 90]] })
    expect(verdicts(bad)).toEqual({
      'above-chance': false,
      'regular-before-beats-after': false,
      'every-variant-before-beats-after': false,
      'diff-tau-improves-after': false,
      'diff-tau-improves-before': false,
      'no-norm-after-unchanged': false,
    })
  })

  it('the chance floor scales with the number of classes, and the tolerance is 1 point either way', () => {
    const r = results({ regular: [[60, 61]], 'wo-norm': [[59.2, 62]], 'wo-norm-diff-tau': [[60, 62]] })
    expect(verdicts(r, 10)['above-chance']).toBe(true)
    expect(verdicts(r, 5)['above-chance']).toBe(false) // floor 5 × 20 % = 100 %
    expect(verdicts(r)['no-norm-after-unchanged']).toBe(true) // −0.8
    expect(verdicts(results({ regular: [[60, 61]], 'wo-norm': [[58.9, 62]], 'wo-norm-diff-tau': [[60, 62]] }))['no-norm-after-unchanged']).toBe(false)
  })

  it('aggregates mean ± sample std per cell', () => {
    const ours = aggregateTable2(results({ regular: [[90, 92], [92, 94]], 'wo-norm': [[1, 2]], 'wo-norm-diff-tau': [[1, 2]] }))
    expect(ours.regular.after).toEqual({ mean: 91, std: Math.SQRT2, n: 2 })
    expect(ours['wo-norm'].before).toEqual({ mean: 2, std: 0, n: 1 })
  })
})

describe('table2 report: projection head widths', () => {
  it('names the backbone width of each preset (SimSiam projection_MLP D → D → out)', async () => {
    const { projectionHead } = await import('./summarize.js')
    const { table2Presets } = await import('./presets.js')
    expect(projectionHead(table2Presets.quick)).toBe('64 → 64 → 32')
    expect(projectionHead(table2Presets.paper)).toBe('2048 → 2048 → 256')
    expect(projectionHead({ ...table2Presets.quick, backbone: { arch: 'resnet-small-2', zeroInitResidual: true } })).toBe('64 → 64 → 32')
  })
})
