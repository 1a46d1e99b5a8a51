import { Resvg } from '@resvg/resvg-js'
import { describe, expect, it } from 'vitest'
import { PNG_SCALE, renderPng, resvgOptions } from './node-figures.js'
import { FIGURE_WIDTH, MIN_FONT_SIZE, renderFigure, renderVegaLiteSvg, typesetSubscripts } from './vega-svg.js'

const spec = {
  data: { values: [{ k: 1, s: 1 }, { k: 2, s: 0.5 }, { k: 3, s: 0.1 }] },
  mark: { type: 'point' },
  encoding: { x: { field: 'k', type: 'ordinal', title: 'index k' }, y: { field: 's', type: 'quantitative', title: 'σ_k / σ_max' } },
} as const

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

describe('renderVegaLiteSvg', () => {
  it('renders a standalone SVG with the axis titles (subscripts typeset) and one mark per point', async () => {
    const svg = await renderVegaLiteSvg(spec)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('index k')
    expect(svg).toMatch(/σ<tspan baseline-shift="sub" font-size="8\.25px">k<\/tspan> \/ σ<tspan baseline-shift="sub" font-size="8\.25px">max<\/tspan>/)
    expect(svg.match(/<path[^>]*class="[^"]*"[^>]*\/>|role-mark/g)?.length ?? 0).toBeGreaterThan(0)
  })

  it(`sets every text in the figure font at ≥ ${MIN_FONT_SIZE} px (= pt at ${FIGURE_WIDTH} px for a 3.3 in column)`, async () => {
    const svg = await renderVegaLiteSvg({ ...spec, title: 'a title', encoding: { ...spec.encoding, color: { field: 'k', type: 'nominal' } } })
    const texts = [...svg.matchAll(/<text\b([^>]*)>/g)].map((m) => m[1]!)
    expect(texts.length).toBeGreaterThan(5)
    for (const attrs of texts) {
      expect(attrs).toContain('font-family="DejaVu Sans"')
      expect(Number(/font-size="([\d.]+)px"/.exec(attrs)![1])).toBeGreaterThanOrEqual(MIN_FONT_SIZE)
    }
  })
})

describe('typesetSubscripts', () => {
  it('turns x_sub into a lowered tspan in text content only, leaving attributes and other text alone', () => {
    const svg = '<svg><g aria-label="τ_c axis"><text font-size="12px" x="1">τ_c = τ_s, d_c = 0, L_align, f_InfoNCE, W·A_g</text><text>no_</text><text>plain</text></g></svg>'
    const out = typesetSubscripts(svg)
    const sub = (s: string) => `<tspan baseline-shift="sub" font-size="9.00px">${s}</tspan>`
    expect(out).toBe(
      `<svg><g aria-label="τ_c axis"><text font-size="12px" x="1">τ${sub('c')} = τ${sub('s')}, d${sub('c')} = 0, L${sub('align')}, f${sub('InfoNCE')}, W·A${sub('g')}</text><text>no_</text><text>plain</text></g></svg>`,
    )
  })
})

describe('renderPng', () => {
  it('rasterises the SVG with the shipped font: a valid PNG at the configured scale', async () => {
    const fig = await renderFigure('t', 'caption', { ...spec, width: FIGURE_WIDTH, autosize: { type: 'fit-x', contains: 'padding' } })
    const png = fig.png!
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR')
    const svgWidth = Number(/<svg[^>]*\bwidth="([\d.]+)"/.exec(fig.svg)![1])
    const svgHeight = Number(/<svg[^>]*\bheight="([\d.]+)"/.exec(fig.svg)![1])
    expect(svgWidth).toBe(FIGURE_WIDTH)
    expect(pngSize(png)).toEqual({ width: Math.ceil(svgWidth * PNG_SCALE), height: Math.ceil(svgHeight * PNG_SCALE) })
    // the same SVG rendered at scale 1 is a quarter as wide
    expect(pngSize(renderPng(fig.svg, 1)).width).toBe(Math.ceil(svgWidth))
  })

  it('draws text with the shipped font (no system fonts loaded): a text-only SVG gets dark pixels', () => {
    const dark = (svg: string) => {
      const pixels = new Resvg(svg, resvgOptions(1)).render().pixels
      let n = 0
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 128) n++
      return n
    }
    const text = (family: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="2" y="20" font-family="${family}" font-size="14px">τ_c L_align</text></svg>`
    expect(dark(text('DejaVu Sans'))).toBeGreaterThan(50)
    // vega writes "sans-serif" when a spec sets no font: mapped to the same font
    expect(dark(text('sans-serif'))).toBe(dark(text('DejaVu Sans')))
  })
})
