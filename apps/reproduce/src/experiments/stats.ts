/** Mean and sample standard deviation (n − 1; 0 for a single value) of a list of numbers. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length
  if (n === 0) return { mean: Number.NaN, std: Number.NaN }
  const mean = values.reduce((a, b) => a + b, 0) / n
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0
  return { mean, std }
}

/**
 * "m ± s" with a fixed number of decimals (the paper's Table 1 style). With a single seed (`n = 1`) there is no spread
 * to report, and "± 0.00" would claim one: the value is written "m (n = 1)" instead.
 */
export function formatMeanStd(v: { mean: number; std: number; n?: number }, decimals = 2): string {
  return v.n === 1 ? `${v.mean.toFixed(decimals)} (n = 1)` : `${v.mean.toFixed(decimals)} ± ${v.std.toFixed(decimals)}`
}

/** "n = 1 seed" / "n = 3 seeds", for figure subtitles and captions. */
export function seedCountLabel(seeds: number): string {
  return `n = ${seeds} seed${seeds === 1 ? '' : 's'}`
}

/** A per-step seed derived from a run seed: batches are a function of (seed, job, step), so resumed jobs see the same data. */
export function stepSeed(seed: number, job: string, step: number): number {
  let h = 2166136261
  const text = `${seed}|${job}|${step}`
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 16777619) >>> 0
  }
  return h
}
