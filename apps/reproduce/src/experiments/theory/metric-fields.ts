/**
 * Reading a field of a finished run's `metrics` (result.json) in a sweep hook: the array at `key`, or a TypeError
 * naming the experiment and the field.
 */
export function metricArray<T>(metrics: Record<string, unknown>, key: string, experiment: string): T[] {
  const value = metrics[key]
  if (!Array.isArray(value)) throw new TypeError(`${experiment}: metrics.${key} is not a list`)
  return value as T[]
}

/** A finite number of a metric entry, or a TypeError naming it. */
export function metricNumber(value: unknown, field: string, experiment: string): number {
  if (typeof value !== 'number') throw new TypeError(`${experiment}: metrics.${field} is not a number`)
  return value
}
