import type { LossCurve } from '../loss-series.js'
import { CHART, escapeXml, formatTick } from './svg.js'

/**
 * The live loss chart as an SVG document (plain SVG: it is redrawn several times a second, which a Vega view would
 * make costly): one polyline per training job, the current job dark, earlier ones light; x = step, y = loss.
 */
export function lossChartSvg(curves: readonly LossCurve[], currentJob: string | undefined): string {
  const { width, height, left, right, top, bottom } = CHART
  const pts = curves.flatMap((c) => c.points).filter(([, l]) => Number.isFinite(l))
  if (pts.length === 0) return emptyChart('loss: no steps yet')
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity]
  for (const [s, l] of pts) {
    x0 = Math.min(x0, s)
    x1 = Math.max(x1, s)
    y0 = Math.min(y0, l)
    y1 = Math.max(y1, l)
  }
  if (x1 === x0) x1 = x0 + 1
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5]
  const sx = (s: number) => left + ((s - x0) / (x1 - x0)) * (width - left - right)
  const sy = (l: number) => top + (1 - (l - y0) / (y1 - y0)) * (height - top - bottom)
  const lines = curves.map((c) => {
    const current = c.job === currentJob
    const d = c.points.filter(([, l]) => Number.isFinite(l)).map(([s, l]) => `${sx(s).toFixed(1)},${sy(l).toFixed(1)}`).join(' ')
    return `<polyline fill="none" stroke="${current ? '#0072B2' : '#b8c7d6'}" stroke-width="${current ? 1.6 : 1}" points="${d}"><title>${escapeXml(c.job)}</title></polyline>`
  })
  // the current job last, drawn on top
  const order = curves.map((c, i) => ({ current: c.job === currentJob, i })).sort((a, b) => Number(a.current) - Number(b.current))
  const ticksY = [y0, (y0 + y1) / 2, y1].map((v) => `<text x="${left - 6}" y="${sy(v) + 4}" text-anchor="end">${formatTick(v)}</text><line x1="${left}" x2="${width - right}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`)
  const ticksX = [x0, x1].map((v) => `<text x="${sx(v)}" y="${height - bottom + 16}" text-anchor="middle">${formatTick(v)}</text>`)
  return frame([
    ...ticksY,
    ...ticksX,
    `<text x="${(left + width - right) / 2}" y="${height - 4}" text-anchor="middle">step</text>`,
    `<text transform="translate(12 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">loss</text>`,
    ...order.map((o) => lines[o.i]!),
  ])
}

function frame(body: readonly string[]): string {
  const { width, height, left, right, top, bottom } = CHART
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11"><rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="#bbb"/>${body.join('')}</svg>`
}

export function emptyChart(text: string): string {
  const { width, height } = CHART
  return frame([`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#888">${escapeXml(text)}</text>`])
}
