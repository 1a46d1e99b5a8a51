import { describe, expect, it } from 'vitest'
import { lossChartSvg } from './loss-chart.js'
import { spectrumChartSvg } from './spectrum-chart.js'

describe('live charts', () => {
  it('draws one polyline per job, the current one last, and skips non-finite losses', () => {
    const svg = lossChartSvg([{ job: 'a', points: [[1, 2], [2, 1]] }, { job: 'b', points: [[1, 3], [2, Number.NaN], [3, 0.5]] }], 'a')
    expect(svg.match(/<polyline/g)).toHaveLength(2)
    expect(svg.lastIndexOf('<title>a</title>')).toBeGreaterThan(svg.lastIndexOf('<title>b</title>'))
    expect(svg).not.toContain('NaN')
    expect(lossChartSvg([], undefined)).toContain('no steps yet')
  })

  it('draws one bar per singular value, clamped to [0, 1]', () => {
    const svg = spectrumChartSvg([1, 0.4, 0, 1.2], 'W')
    expect(svg.match(/fill="#D55E00"/g)).toHaveLength(4)
    expect(svg).toContain('σ2 = 0.4000')
  })
})
