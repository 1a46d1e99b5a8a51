/** Escape text for SVG/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A compact tick label: 3 significant digits, exponent form for very small or large values. */
export function formatTick(x: number): string {
  if (x === 0) return '0'
  const a = Math.abs(x)
  return a >= 1e4 || a < 1e-3 ? x.toExponential(1) : Number(x.toPrecision(3)).toString()
}

/** Plot area of every live chart (px); the SVGs scale with their container (viewBox). */
export const CHART = { width: 480, height: 260, left: 52, right: 12, top: 12, bottom: 34 } as const
