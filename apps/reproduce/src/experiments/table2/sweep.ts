import type { SweepSupport } from '../experiment.js'
import type { Table2Results } from './claims.js'
import type { Table2Config } from './config.js'
import { TABLE2_LABELS, TABLE2_VARIANTS } from './presets.js'
import { summarizeTable2 } from './summarize.js'

/** `metrics.perSeed` of a Table 2 result: per variant, one entry per seed in seed order. */
function perSeedOf(metrics: Record<string, unknown>, at: string): Table2Results {
  const perSeed = metrics.perSeed as Partial<Table2Results> | undefined
  if (perSeed === undefined || TABLE2_VARIANTS.some((v) => !Array.isArray(perSeed[v]))) throw new TypeError(`${at}: table2 metrics without perSeed for ${TABLE2_VARIANTS.join(', ')}`)
  return perSeed as Table2Results
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

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
    const results = Object.fromEntries(TABLE2_VARIANTS.map((v) => [v, all.flatMap((r) => r[v])])) as Table2Results
    const first = metrics[0] ?? {}
    if (typeof first.numClasses !== 'number' || typeof first.dataSource !== 'string') throw new TypeError('table2 combineSeeds: metrics without numClasses / dataSource')
    return summarizeTable2(config, results, { numClasses: first.numClasses, source: first.dataSource })
  },
}
