import { emptyChart } from './loss-chart.js'
import { CHART, escapeXml } from './svg.js'

/**
 * The live spectrum as an SVG document: one bar per normalised singular value (descending, the largest is 1), as in
 * Fig. 1 left; collapsed directions show as bars near 0.
 */
export function spectrumChartSvg(values: readonly number[], caption: string): string {
  if (values.length === 0) return emptyChart('spectrum: read every K steps')
  const { width, height, left, right, top, bottom } = CHART
  const w = (width - left - right) / values.length
  const sy = (v: number) => top + (1 - Math.max(0, Math.min(1, v))) * (height - top - bottom)
  const bars = values.map((v, i) => {
    const x = left + i * w
    return `<rect x="${(x + w * 0.15).toFixed(1)}" y="${sy(v).toFixed(1)}" width="${(w * 0.7).toFixed(1)}" height="${(height - bottom - sy(v)).toFixed(1)}" fill="#D55E00"><title>σ${i + 1} = ${v.toFixed(4)}</title></rect><text x="${(x + w / 2).toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle">${i + 1}</text>`
  })
  const ticks = [0, 0.5, 1].map((v) => `<text x="${left - 6}" y="${sy(v) + 4}" text-anchor="end">${v}</text><line x1="${left}" x2="${width - right}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`)
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11"><rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="#bbb"/>${ticks.join('')}${bars.join('')}<text x="${(left + width - right) / 2}" y="${height - 4}" text-anchor="middle">${escapeXml(caption)}</text><text transform="translate(12 ${(top + height - bottom) / 2}) rotate(-90)" text-anchor="middle">normalised σ</text></svg>`
}
