import type { SweepSupport } from '../experiment.js'
import { metricNumber } from '../theory/metric-fields.js'
import type { TheoryDcEstimateConfig } from './config.js'

const ID = 'theory-dc-estimate'

/**
 * Prop. 2 / Lemma 7 (d_c estimate) in a sweep: per space and σ_c/σ_s the fraction of runs whose gradient-spectrum
 * estimate of d_c is exact, from the run's per-space summary. Scalars only.
 */
export const theoryDcEstimateSweep: SweepSupport<TheoryDcEstimateConfig> = {
  scalars(metrics) {
    const perSpace = metrics.perSpace as Record<string, { byRatio?: { ratio: number; accuracy: unknown }[] }> | undefined
    if (perSpace === undefined || typeof perSpace !== 'object') throw new TypeError(`${ID}: metrics.perSpace is missing`)
    const out: Record<string, number> = {}
    for (const [space, s] of Object.entries(perSpace)) {
      if (!Array.isArray(s.byRatio)) throw new TypeError(`${ID}: metrics.perSpace.${space}.byRatio is not a list`)
      for (const r of s.byRatio) out[`${space} σ_c/σ_s = ${r.ratio}: fraction exact`] = metricNumber(r.accuracy, `perSpace.${space}.byRatio.accuracy`, ID)
    }
    return out
  },
  group: (scalar) => scalar.split(' ')[0]!,
}
