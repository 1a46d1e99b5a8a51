/**
 * How figures measure text and, optionally, become PNGs. Vega lays out legends and axis titles from text widths, so
 * the same spec gives the same SVG only with the same measure: the CLI installs resvg's (report/node-figures.ts, the
 * shipped DejaVu Sans), the browser lab a canvas one. Without `rasterize` figures have no PNG.
 */
export interface FigureRenderer {
  /** Width in px of one line of figure text (`_x` subscripts are typeset when the SVG is written). */
  measureText(text: string, fontSize: number, fontWeight?: string | number): number
  /** PNG bytes of a standalone SVG document. */
  rasterize?(svg: string): Uint8Array
}

let installed: FigureRenderer | undefined

/**
 * Install the renderer every figure uses from now on (or, with undefined, none: Vega's own text estimate and no PNGs);
 * returns the one installed before.
 */
export function setFigureRenderer(renderer: FigureRenderer | undefined): FigureRenderer | undefined {
  const before = installed
  installed = renderer
  return before
}

/** The installed renderer, if any. */
export function figureRenderer(): FigureRenderer | undefined {
  return installed
}
