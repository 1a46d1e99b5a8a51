/** Deterministic pseudo-random numbers in [0, 1) for constructed per-seed results (mulberry32). */
export function seededValues(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** What a result.json holds: the metrics after a JSON round trip. */
export const asStored = (metrics: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(metrics)) as Record<string, unknown>
