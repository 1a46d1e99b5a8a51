import * as vega from 'vega'
import { compile, type Config, type TopLevelSpec } from 'vega-lite'
import { figureRenderer } from './figure-renderer.js'

/**
 * Width of a single-column figure in px. Rendered at 3.3 in (a two-column paper's column), 240 px is 1 px ≈ 1 pt, so
 * the font sizes below are point sizes in print.
 */
export const FIGURE_WIDTH = 240
/** Smallest font size (px = pt at {@link FIGURE_WIDTH}) of any text in a figure. */
export const MIN_FONT_SIZE = 11
/** The font the figures are set in: shipped with the app (`dejavu-fonts-ttf`), so PNGs are the same on every machine. */
export const FIGURE_FONT = 'DejaVu Sans'

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

/**
 * Render a Vega-Lite spec to a standalone SVG document (Vega's headless SVG renderer, no DOM), with the publication
 * config and typeset subscripts. Text is measured by the installed {@link setFigureRenderer} renderer (the CLI: resvg
 * in the figure font); without one, by Vega's own measure.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const renderer = figureRenderer()
  const estimate = vegaTextMetrics.width
  if (renderer !== undefined) {
    vegaTextMetrics.width = (item, text) => {
      const lines = Array.isArray(text) ? text.map(String) : [String(text ?? '')]
      return Math.max(0, ...lines.map((line) => renderer.measureText(line, item.fontSize ?? MIN_FONT_SIZE, item.fontWeight)))
    }
  }
  const view = new vega.View(vega.parse(compile(publicationSpec(spec)).spec), { renderer: 'none' })
  try {
    return typesetSubscripts(await view.toSVG())
  } finally {
    view.finalize()
    vegaTextMetrics.width = estimate
  }
}

/** One figure of an experiment: the SVG and, when the installed renderer rasterises, its PNG rendering. */
export async function renderFigure(name: string, caption: string, spec: TopLevelSpec): Promise<{ name: string; caption: string; svg: string; png?: Uint8Array }> {
  const svg = await renderVegaLiteSvg(spec)
  const png = figureRenderer()?.rasterize?.(svg)
  return png === undefined ? { name, caption, svg } : { name, caption, svg, png }
}
