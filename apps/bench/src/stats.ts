/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list')
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * Steps per timed run, the PyTorch reference's rule: enough steps for `minSeconds` at the speed of one timed step,
 * at least 2 and at most 500.
 */
export function stepsPerRun(minSeconds: number, oneStepSeconds: number): number {
  return Math.max(2, Math.min(500, Math.ceil(minSeconds / Math.max(oneStepSeconds, 1e-6))))
}
