import type { LabFigure } from './protocol.js'

/** Width and height of an SVG document's root element (px), from its attributes or its viewBox. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? ''
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)(?:px)?"`).exec(root)?.[1] ?? Number.NaN)
  let width = attr('width')
  let height = attr('height')
  const box = /viewBox="[\d.\-]+[ ,]+[\d.\-]+[ ,]+([\d.]+)[ ,]+([\d.]+)"/.exec(root)
  if (!Number.isFinite(width) && box !== null) width = Number(box[1])
  if (!Number.isFinite(height) && box !== null) height = Number(box[2])
  return { width: Number.isFinite(width) ? width : 300, height: Number.isFinite(height) ? height : 200 }
}

/**
 * Every figure of a run in one SVG document (the "figures" download): the figures' own SVGs stacked top to bottom as
 * nested <svg> elements, each unchanged but for its position.
 */
export function combineFigures(figures: readonly LabFigure[], gap = 16): string {
  let y = 0
  let width = 0
  const parts = figures.map((f) => {
    const { width: w, height: h } = svgSize(f.svg)
    const body = f.svg.replace(/^\s*<\?xml[^>]*>\s*/, '').replace(/<svg\b/, `<svg x="0" y="${y}"`)
    y += h + gap
    width = Math.max(width, w)
    return `<g id="${f.name.replace(/[^A-Za-z0-9_-]/g, '_')}">${body}</g>`
  })
  const height = Math.max(0, y - gap)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>\n`
}
