import type { SweepSupport } from '../experiment.js'
import { metricArray, metricNumber } from '../theory/metric-fields.js'
import type { TheoryBatchRankConfig } from './config.js'

const ID = 'theory-batch-rank'

/**
 * Lemma 6 (Appx. C) in a sweep: per gradient batch size the mean log10 condition number of ∂L/∂W (Part A), per training
 * batch size the style block of W·A_g (Part B), as the run's own summaries give them. No combined report (scalars only).
 */
export const theoryBatchRankSweep: SweepSupport<TheoryBatchRankConfig> = {
  scalars(metrics) {
    const out: Record<string, number> = {}
    for (const c of metricArray<{ batchSize: number; logConditionGradient: unknown }>(metrics, 'conditioningSummary', ID)) {
      out[`log10 κ(∂L/∂W), N = ${c.batchSize}`] = metricNumber(c.logConditionGradient, 'conditioningSummary.logConditionGradient', ID)
    }
    const collapse = metrics.collapse as { styleBlock?: { batchSize: number; styleBlock: unknown }[] } | undefined
    if (!Array.isArray(collapse?.styleBlock)) throw new TypeError(`${ID}: metrics.collapse.styleBlock is not a list`)
    for (const s of collapse.styleBlock) out[`style block W·A_g, N = ${s.batchSize}`] = metricNumber(s.styleBlock, 'collapse.styleBlock', ID)
    return out
  },
  group: (scalar) => (scalar.startsWith('style') ? 'collapse vs training batch (Part B)' : 'gradient conditioning (Part A)'),
}
