import type { SweepSupport } from '../experiment.js'
import { concatPerSeed, perSeedByVariant } from '../images/per-seed.js'
import { meanStd } from '../stats.js'
import type { Table2Results } from './claims.js'
import type { Table2Config } from './config.js'
import { TABLE2_LABELS, TABLE2_VARIANTS } from './presets.js'
import { summarizeTable2 } from './summarize.js'

const perSeedOf = (metrics: Record<string, unknown>, at: string): Table2Results => perSeedByVariant(metrics, TABLE2_VARIANTS, at)
const mean = (xs: number[]) => meanStd(xs).mean

/**
 * Table 2 (§4.2) in a sweep: the scalars are the readout accuracies (%) after and before the projector per loss
 * variant; seeds combine by concatenating each variant's per-seed results in seed order and summarising them with the
 * first run's class count and data source.
 */
export const table2Sweep: SweepSupport<Table2Config> = {
  scalars(metrics) {
    const perSeed = perSeedOf(metrics, 'table2 scalars')
    return Object.fromEntries(
      TABLE2_VARIANTS.flatMap((v) => (['after', 'before'] as const).map((w) => [`${TABLE2_LABELS[v]}: ${w} p. (%)`, mean(perSeed[v].map((r) => r[w]))])),
    )
  },
  async combineSeeds(config, metrics) {
    const all = metrics.map((m, i) => perSeedOf(m, `table2 combineSeeds, run ${i}`))
    const results = concatPerSeed(all, TABLE2_VARIANTS) as Table2Results
    const first = metrics[0] ?? {}
    if (typeof first.numClasses !== 'number' || typeof first.dataSource !== 'string') throw new TypeError('table2 combineSeeds: metrics without numClasses / dataSource')
    return summarizeTable2(config, results, { numClasses: first.numClasses, source: first.dataSource })
  },
}
