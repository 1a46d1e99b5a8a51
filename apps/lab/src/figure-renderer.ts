/** The figure font of `@cl/reproduce` (DejaVu Sans), then the browser's sans-serif where it is not installed. */
const FONT_FAMILY = '"DejaVu Sans", "Bitstream Vera Sans", sans-serif'

/**
 * The lab's figure renderer for `setFigureRenderer`: text widths from a 2D canvas (an OffscreenCanvas in the worker),
 * no PNGs (the browser shows the SVGs as they are). Without a canvas, DejaVu Sans' average advance (0.6 em) is used.
 */
export function canvasFigureRenderer(): { measureText(text: string, fontSize: number, fontWeight?: string | number): number } {
  const ctx = typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('2d')
  return {
    measureText(text, fontSize, fontWeight = 'normal') {
      if (ctx === null) return 0.6 * fontSize * text.length
      ctx.font = `${fontWeight} ${fontSize}px ${FONT_FAMILY}`
      return ctx.measureText(text).width
    },
  }
}
