import type { SweepSupport } from '../experiment.js'
import { concatPerSeed, perSeedByVariant } from '../images/per-seed.js'
import { meanStd } from '../stats.js'
import type { Fig2Results } from './claims.js'
import type { Fig2Config } from './config.js'
import { FIG2_LABELS, FIG2_VARIANTS } from './presets.js'
import { summarizeFig2 } from './summarize.js'

const perSeedOf = (metrics: Record<string, unknown>, at: string): Fig2Results => perSeedByVariant(metrics, FIG2_VARIANTS, at)
const mean = (xs: number[]) => meanStd(xs).mean

/**
 * Fig. 2 (§4.2) in a sweep: the scalars are the effective rank / width of the test representations after and before the
 * projector per variant (the pre-registered collapse measure); seeds combine by concatenating each variant's per-seed
 * spectra in seed order and summarising them.
 */
export const fig2Sweep: SweepSupport<Fig2Config> = {
  scalars(metrics) {
    const perSeed = perSeedOf(metrics, 'fig2 scalars')
    return Object.fromEntries(
      FIG2_VARIANTS.flatMap((v) => (['after', 'before'] as const).map((w) => [`${FIG2_LABELS[v]}: effective rank / width, ${w} p.`, mean(perSeed[v].map((r) => r[w].effectiveRankFraction))])),
    )
  },
  async combineSeeds(config, metrics) {
    const all = metrics.map((m, i) => perSeedOf(m, `fig2 combineSeeds, run ${i}`))
    const results = concatPerSeed(all, FIG2_VARIANTS) as Fig2Results
    const source = metrics[0]?.dataSource
    if (typeof source !== 'string') throw new TypeError('fig2 combineSeeds: metrics without dataSource')
    return summarizeFig2(config, results, { source })
  },
}
