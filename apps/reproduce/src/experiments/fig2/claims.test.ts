import { describe, expect, it } from 'vitest'
import { aggregateFig2, fig2Claims, type Fig2Results } from './claims.js'
import type { SpectrumSummary } from './spectrum.js'

const spectrum = (effectiveRank: number, width: number): SpectrumSummary => ({ normalized: [], effectiveRank, effectiveRankFraction: effectiveRank / width, belowMilli: 0, width })
const run = (after: SpectrumSummary, before: SpectrumSummary) => ({ seed: 0, after, before, lossHistory: [[1, 1]] as [number, number][], trainSeconds: 1 })
const verdicts = (r: Fig2Results) => Object.fromEntries(fig2Claims(aggregateFig2(r)).map((c) => [c.id, c.holds]))

describe('fig2 claims', () => {
  it('hold when w/o norm keeps more directions after the projector and regular collapses there', () => {
    expect(verdicts({ regular: [run(spectrum(4, 32), spectrum(30, 64))], 'wo-norm': [run(spectrum(20, 32), spectrum(30, 64))] })).toEqual({
      'wo-norm-less-collapsed-after': true,
      'regular-after-more-collapsed': true,
    })
  })
  it('fail on a counter-example: w/o norm more collapsed, regular less collapsed after than before (per width)', () => {
    // regular after 20/32 = 0.625 > before 30/64 = 0.47: the width normalisation matters (20 < 30 raw)
    expect(verdicts({ regular: [run(spectrum(20, 32), spectrum(30, 64))], 'wo-norm': [run(spectrum(10, 32), spectrum(30, 64))] })).toEqual({
      'wo-norm-less-collapsed-after': false,
      'regular-after-more-collapsed': false,
    })
  })
})
