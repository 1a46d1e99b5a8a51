import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import { numericAxes, sweepFigures, sweepRows, sweepSpec } from './figures.js'
import type { PointSummary } from './summary-schema.js'

/** A 3 × 2 grid (τ_c numeric, normalisation boolean) with two scalars; the second point has a single seed. */
function points(): PointSummary[] {
  const out: PointSummary[] = []
  let i = 0
  for (const normalize of [true, false]) {
    for (const tau of [0.01, 0.1, 1]) {
      const n = i === 1 ? 1 : 3
      out.push({
        pointIndex: i++,
        point: { tauContent: tau, normalize },
        seeds: Array.from({ length: n }, (_, s) => s),
        tasks: [],
        scalars: [
          { name: 'content R²', mean: 0.9 - tau / 10, std: 0.02, n, values: [] },
          { name: 'style R²', mean: 0.2 + tau / 2, std: 0.05, n, values: [] },
        ],
        claims: [],
      })
    }
  }
  return out
}

describe('sweep figures', () => {
  const grid = [
    { key: 'tauContent', values: [0.01, 0.1, 1] },
    { key: 'normalize', values: [true, false] },
  ]
  const group = { name: 'output layer', scalars: ['content R²', 'style R²'] }

  it('plots only numeric axes, one panel per value of the other keys, no whisker for a single seed', () => {
    expect(numericAxes(grid).map((a) => a.key)).toEqual(['tauContent'])
    const rows = sweepRows(points(), grid[0]!, group)
    expect(rows).toHaveLength(12)
    expect(new Set(rows.map((r) => r.panel))).toEqual(new Set(['normalize = true', 'normalize = false']))
    const single = rows.find((r) => r.x === 0.1 && r.panel === 'normalize = true' && r.series === 'style R²')!
    expect([single.low, single.high]).toEqual([single.mean, single.mean])
    const spread = rows.find((r) => r.x === 1 && r.panel === 'normalize = true' && r.series === 'style R²')!
    expect(spread.high - spread.low).toBeCloseTo(0.1, 12)
    const spec = sweepSpec('fig1-r2-box', grid[0]!, group, rows, 3) as { facet?: unknown; spec?: { encoding: { x: { scale: { type: string } } } } }
    expect(spec.facet).toBeDefined()
    expect(spec.spec!.encoding.x.scale.type).toBe('log')
  })

  it('renders SVG that parses and a PNG', async () => {
    const figures = await sweepFigures('fig1-r2-box', grid, points(), [group], 3)
    expect(figures.map((f) => f.name)).toEqual(['sweep-taucontent-output-layer'])
    expect(() => new Resvg(figures[0]!.svg)).not.toThrow()
    expect(figures[0]!.svg).toContain('normalize = false')
    expect(figures[0]!.png!.length).toBeGreaterThan(1000)
  })
})
