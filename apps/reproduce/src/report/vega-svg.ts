import { createRequire } from 'node:module'
import path from 'node:path'
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js'
import * as vega from 'vega'
import { compile, type Config, type TopLevelSpec } from 'vega-lite'

/**
 * Width of a single-column figure in px. Rendered at 3.3 in (a two-column paper's column), 240 px is 1 px ≈ 1 pt, so
 * the font sizes below are point sizes in print.
 */
export const FIGURE_WIDTH = 240
/** Smallest font size (px = pt at {@link FIGURE_WIDTH}) of any text in a figure. */
export const MIN_FONT_SIZE = 11
/** The font the figures are set in: shipped with the app (`dejavu-fonts-ttf`), so PNGs are the same on every machine. */
export const FIGURE_FONT = 'DejaVu Sans'
/** PNG pixels per SVG px: 240 px → 960 px, 290 dpi at 3.3 in. */
export const PNG_SCALE = 4

/**
 * Greyscale-safe series styles, in order: dash patterns and point shapes go with the colours, so series stay apart
 * in print without colour. The colours are Okabe–Ito (colour-blind safe) with distinct lightness.
 */
export const SERIES_COLORS = ['#000000', '#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00']
export const SERIES_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down']
export const SERIES_DASHES: number[][] = [[1, 0], [6, 3], [2, 2], [6, 2, 2, 2], [8, 4, 2, 4], [1, 3]]

/** Vega-Lite config of every figure: fonts ≥ {@link MIN_FONT_SIZE}, thin frame, legends below the plot. */
export const FIGURE_CONFIG: Config = {
  font: FIGURE_FONT,
  view: { stroke: '#bbbbbb' },
  axis: { labelFontSize: MIN_FONT_SIZE, titleFontSize: MIN_FONT_SIZE, titleFontWeight: 'normal', gridColor: '#e8e8e8', labelColor: '#000000', titleColor: '#000000', titlePadding: 4 },
  legend: { labelFontSize: MIN_FONT_SIZE, titleFontSize: MIN_FONT_SIZE, titleFontWeight: 'normal', orient: 'bottom', direction: 'vertical', labelLimit: FIGURE_WIDTH, symbolStrokeWidth: 1.5, rowPadding: 2, padding: 0, offset: 6 },
  axisX: { labelAngle: 0 },
  header: { labelFontSize: MIN_FONT_SIZE, titleFontSize: MIN_FONT_SIZE, labelPadding: 2 },
  title: { fontSize: 12, fontWeight: 'normal', anchor: 'start', offset: 4, subtitleFontSize: MIN_FONT_SIZE },
  errorbar: { ticks: true },
}

/** Add the figure config and tight padding to a spec (the spec's own config entries win). */
export function publicationSpec(spec: TopLevelSpec): TopLevelSpec {
  const own = spec.config ?? {}
  return { padding: 4, ...spec, config: { ...FIGURE_CONFIG, ...own, axis: { ...FIGURE_CONFIG.axis, ...own.axis }, legend: { ...FIGURE_CONFIG.legend, ...own.legend } } } as TopLevelSpec
}

/**
 * Typeset `_x` subscripts in an SVG's text: "τ_c" → τ<tspan baseline-shift="sub">c</tspan>, also "d_c", "σ_s",
 * "L_align", "f_InfoNCE", "W·A_g". Unicode has no subscript c, a, l…, so the subscript is a tspan set lower and
 * smaller (resvg and browsers honour `baseline-shift="sub"`). Only text content changes, never attributes.
 */
export function typesetSubscripts(svg: string): string {
  return svg.replace(/<text\b([^>]*)>([\s\S]*?)<\/text>/g, (whole, attrs: string, inner: string) => {
    const size = /font-size="([\d.]+)px"/.exec(attrs)?.[1]
    const subSize = size === undefined ? '0.75em' : `${(Number(size) * 0.75).toFixed(2)}px`
    const typeset = inner.replace(/(^|>)([^<]+)/g, (_m, lead: string, text: string) =>
      lead + text.replace(/(?<=[\p{L}\p{N}])_([\p{L}\p{N}]+)/gu, (_s, sub: string) => `<tspan baseline-shift="sub" font-size="${subSize}">${sub}</tspan>`),
    )
    return `<text${attrs}>${typeset}</text>`
  })
}

interface VegaTextMetrics {
  width: (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => number
}
/** Vega's text-measuring hook (`vega-scenegraph`'s `textMetrics`; not in vega's typings). */
const vegaTextMetrics = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics

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

/**
 * Render a Vega-Lite spec to a standalone SVG document in Node (no browser, no canvas: Vega's headless SVG renderer,
 * text measured with resvg in the figure font), with the publication config and typeset subscripts.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const estimate = vegaTextMetrics.width
  vegaTextMetrics.width = (item, text) => {
    const lines = Array.isArray(text) ? text.map(String) : [String(text ?? '')]
    return Math.max(0, ...lines.map((line) => measureTextWidth(line, item.fontSize ?? MIN_FONT_SIZE, item.fontWeight)))
  }
  const view = new vega.View(vega.parse(compile(publicationSpec(spec)).spec), { renderer: 'none' })
  try {
    return typesetSubscripts(await view.toSVG())
  } finally {
    view.finalize()
    vegaTextMetrics.width = estimate
  }
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

/** One figure of an experiment: the SVG and its PNG rendering. */
export async function renderFigure(name: string, caption: string, spec: TopLevelSpec): Promise<{ name: string; caption: string; svg: string; png: Uint8Array }> {
  const svg = await renderVegaLiteSvg(spec)
  return { name, caption, svg, png: renderPng(svg) }
}
