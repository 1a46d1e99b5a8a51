import { describe, expect, it } from 'vitest'
import { renderVegaLiteSvg } from './vega-svg.js'

describe('renderVegaLiteSvg', () => {
  it('renders a standalone SVG with the axis titles and one mark per point', async () => {
    const svg = await renderVegaLiteSvg({
      data: { values: [{ k: 1, s: 1 }, { k: 2, s: 0.5 }, { k: 3, s: 0.1 }] },
      mark: { type: 'point' },
      encoding: { x: { field: 'k', type: 'ordinal', title: 'index k' }, y: { field: 's', type: 'quantitative', title: 'σ_k / σ_max' } },
    })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('index k')
    expect(svg).toContain('σ_k / σ_max')
    expect(svg.match(/<path[^>]*class="[^"]*"[^>]*\/>|role-mark/g)?.length ?? 0).toBeGreaterThan(0)
  })
})
