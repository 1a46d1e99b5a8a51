/** One place where two JSON values differ beyond the tolerance. */
export interface NumericDifference {
  readonly path: string
  readonly a: unknown
  readonly b: unknown
}

/**
 * Compare two JSON values: numbers within `tolerance` (absolute, or relative to the larger magnitude when that is
 * above 1), everything else exactly, arrays by length and element, objects by key set and value. Returns every
 * difference (empty: equal within tolerance), each with its JSON path.
 */
export function numericDifferences(a: unknown, b: unknown, tolerance: number, path = '$'): NumericDifference[] {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return []
    const scale = Math.max(1, Math.abs(a), Math.abs(b))
    return a === b || Math.abs(a - b) <= tolerance * scale ? [] : [{ path, a, b }]
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [{ path: `${path}.length`, a: a.length, b: b.length }]
    return a.flatMap((x, i) => numericDifferences(x, b[i], tolerance, `${path}[${i}]`))
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
    return keys.flatMap((k) => (k in a && k in b ? numericDifferences(a[k], b[k], tolerance, `${path}.${k}`) : [{ path: `${path}.${k}`, a: a[k], b: b[k] }]))
  }
  return Object.is(a, b) ? [] : [{ path, a, b }]
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}
