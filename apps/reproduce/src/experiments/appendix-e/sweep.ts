import type { SweepSupport } from '../experiment.js'
import { meanStd } from '../stats.js'
import type { AppendixESeedResult } from './claims.js'
import type { AppendixEConfig } from './config.js'
import { summarizeAppendixE } from './summarize.js'

/** `metrics.perSeed` of an Appx. E result: one entry per seed in seed order. */
function perSeedOf(metrics: Record<string, unknown>, at: string): AppendixESeedResult[] {
  if (!Array.isArray(metrics.perSeed)) throw new TypeError(`${at}: appendix-e metrics without perSeed`)
  return metrics.perSeed as AppendixESeedResult[]
}

const mean = (xs: number[]) => meanStd(xs).mean

/**
 * Appx. E (Fig. 4, eq. 28) in a sweep: the scalars are the readouts (%) on h and r and the mean Σ|w| of the last residual
 * conv inside and outside the loss dims; seeds combine by concatenating the per-seed results in seed order.
 */
export const appendixESweep: SweepSupport<AppendixEConfig> = {
  scalars(metrics) {
    const perSeed = perSeedOf(metrics, 'appendix-e scalars')
    return {
      'readout on h (%)': mean(perSeed.map((r) => r.readoutH)),
      'readout on r (%)': mean(perSeed.map((r) => r.readoutR)),
      'mean Σ|w|, channels < d': mean(perSeed.map((r) => r.insideMean)),
      'mean Σ|w|, channels ≥ d': mean(perSeed.map((r) => r.outsideMean)),
    }
  },
  async combineSeeds(config, metrics) {
    const results = metrics.flatMap((m, i) => perSeedOf(m, `appendix-e combineSeeds, run ${i}`))
    const source = metrics[0]?.dataSource
    if (typeof source !== 'string') throw new TypeError('appendix-e combineSeeds: metrics without dataSource')
    return summarizeAppendixE(config, results, { source })
  },
  group: (scalar) => (scalar.startsWith('readout') ? 'readout accuracy' : 'last residual conv Σ|w|'),
}
