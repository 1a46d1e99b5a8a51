import { createRequire } from 'node:module'
import path from 'node:path'
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js'
import { setFigureRenderer, type FigureRenderer } from './figure-renderer.js'
import { FIGURE_FONT, typesetSubscripts } from './vega-svg.js'

/** PNG pixels per SVG px: 240 px → 960 px, 290 dpi at 3.3 in. */
export const PNG_SCALE = 4

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const widths = new Map<string, number>()

/**
 * Width in px of one line of figure text as resvg lays it out in the figure font, subscripts typeset. Without a
 * canvas, Vega estimates 0.8 × font size per character, about a third too wide for DejaVu Sans: legends were cut
 * ("w/o …") and figures got empty right margins. Measured once per (text, size, weight).
 */
export function measureTextWidth(text: string, fontSize: number, fontWeight: string | number = 'normal'): number {
  const key = `${fontSize}|${fontWeight}|${text}`
  let w = widths.get(key)
  if (w === undefined) {
    const svg = typesetSubscripts(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(fontSize * (text.length + 2))}" height="${Math.ceil(fontSize * 3)}"><text x="0" y="${fontSize * 2}" font-family="${FIGURE_FONT}" font-size="${fontSize}px" font-weight="${fontWeight}">${escapeXml(text)}</text></svg>`,
    )
    const box = text.trim() === '' ? undefined : new Resvg(svg, resvgOptions(1)).getBBox()
    // ink box plus the side bearings resvg leaves out (about 0.1 em)
    w = box === undefined ? fontSize * 0.3 * text.length : box.x + box.width + fontSize * 0.1
    widths.set(key, w)
  }
  return w
}

let fontFile: string | undefined
function figureFontFiles(): string[] {
  fontFile ??= path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf')
  return [fontFile]
}

/** resvg options of the figures: white background, `scale`× zoom, only the shipped font (same pixels on every machine). */
export function resvgOptions(scale = PNG_SCALE): ResvgRenderOptions {
  return {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { fontFiles: figureFontFiles(), loadSystemFonts: false, defaultFontFamily: FIGURE_FONT, sansSerifFamily: FIGURE_FONT },
  }
}

/** Rasterise an SVG document to PNG with resvg ({@link resvgOptions}). */
export function renderPng(svg: string, scale = PNG_SCALE): Uint8Array {
  return new Uint8Array(new Resvg(svg, resvgOptions(scale)).render().asPng())
}

/** The CLI's figures (Node only): text measured and PNGs rendered by resvg in the shipped DejaVu Sans. */
export const resvgFigureRenderer: FigureRenderer = { measureText: measureTextWidth, rasterize: (svg) => renderPng(svg) }

/** Make every figure of this process with {@link resvgFigureRenderer} (cli.ts, api.ts). */
export function installNodeFigureRenderer(): void {
  setFigureRenderer(resvgFigureRenderer)
}
