/** Mean and sample standard deviation (n − 1; 0 for a single value) of a list of numbers. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length
  if (n === 0) return { mean: Number.NaN, std: Number.NaN }
  const mean = values.reduce((a, b) => a + b, 0) / n
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0
  return { mean, std }
}

/** "m ± s" with a fixed number of decimals (the paper's Table 1 style). */
export function formatMeanStd(v: { mean: number; std: number }, decimals = 2): string {
  return `${v.mean.toFixed(decimals)} ± ${v.std.toFixed(decimals)}`
}

/** Per-step batch seeds: one scheme for the whole toolkit, `@cl/train`'s (rng forks of `@cl/core`). */
export { stepSeed } from '@cl/train'

/** Mean of the `count` smallest entries of a descending spectrum: the style block after collapse. */
export function tailMean(spectrum: readonly number[], count: number): number {
  const tail = spectrum.slice(spectrum.length - count)
  return tail.reduce((a, b) => a + b, 0) / tail.length
}
