/**
 * `metrics.perSeed` of an image experiment's result (§4.2, Appx. E): per variant, one entry per seed in seed order.
 * Throws a TypeError naming `at` (the experiment and step) when a variant is missing.
 */
export function perSeedByVariant<V extends string, R>(metrics: Record<string, unknown>, variants: readonly V[], at: string): Record<V, R[]> {
  const perSeed = metrics.perSeed as Partial<Record<V, R[]>> | undefined
  if (perSeed === undefined || variants.some((v) => !Array.isArray(perSeed[v]))) throw new TypeError(`${at}: metrics without perSeed for ${variants.join(', ')}`)
  return perSeed as Record<V, R[]>
}

/** Several single-seed runs' per-variant results as one run over all their seeds: each variant's entries in run order. */
export function concatPerSeed<V extends string, R>(runs: readonly Record<V, R[]>[], variants: readonly V[]): Record<V, R[]> {
  return Object.fromEntries(variants.map((v) => [v, runs.flatMap((r) => r[v])])) as Record<V, R[]>
}
