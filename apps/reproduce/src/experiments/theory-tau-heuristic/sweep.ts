import type { SweepSupport } from '../experiment.js'
import { metricArray, metricNumber } from '../theory/metric-fields.js'
import type { TheoryTauHeuristicConfig } from './config.js'

const ID = 'theory-tau-heuristic'

/**
 * Prop. 3's τ heuristic in a sweep: per σ_c/σ_s the flattest τ_c (τ* in units of τ_s) and the primary distance of W's spectrum to
 * the d_c = 0 one at τ* and at τ_c = τ_s, from the run's per-ratio measures. Scalars only.
 */
export const theoryTauHeuristicSweep: SweepSupport<TheoryTauHeuristicConfig> = {
  scalars(metrics, config) {
    const out: Record<string, number> = {}
    for (const m of metricArray<{ ratio: number; bestTau: unknown; best?: { distance: unknown }; equal?: { distance: unknown } }>(metrics, 'ratios', ID)) {
      out[`σ_c/σ_s = ${m.ratio}: τ*/τ_s`] = metricNumber(m.bestTau, 'ratios.bestTau', ID) / config.tauStyle
      out[`σ_c/σ_s = ${m.ratio}: distance at τ*`] = metricNumber(m.best?.distance, 'ratios.best.distance', ID)
      if (m.equal !== undefined) out[`σ_c/σ_s = ${m.ratio}: distance at τ_c = τ_s`] = metricNumber(m.equal.distance, 'ratios.equal.distance', ID)
    }
    return out
  },
  group: (scalar) => scalar.split(':')[0]!,
}
