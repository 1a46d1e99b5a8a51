import type { SweepSupport } from '../experiment.js'
import { metricArray, metricNumber } from '../theory/metric-fields.js'
import type { TheoryCollapseOptimalConfig } from './config.js'

const ID = 'theory-collapse-optimal'

/**
 * The collapse-optimality statement (§3, Appx. C) in a sweep: per d_c the eq. 4 loss of f = A⁻¹, and of the collapsed
 * D_s·A⁻¹ and the style-keeping encoder at the largest content scale, from the run's per-d_c summary. Scalars only.
 */
export const theoryCollapseOptimalSweep: SweepSupport<TheoryCollapseOptimalConfig> = {
  scalars(metrics) {
    const out: Record<string, number> = {}
    for (const s of metricArray<Record<string, unknown>>(metrics, 'summary', ID)) {
      const dc = metricNumber(s.contentDims, 'summary.contentDims', ID)
      out[`d_c = ${dc}: L(A⁻¹)`] = metricNumber(s.groundTruth, 'summary.groundTruth', ID)
      out[`d_c = ${dc}: L collapsed, largest s`] = metricNumber(s.collapsedAtMax, 'summary.collapsedAtMax', ID)
      out[`d_c = ${dc}: L style kept, largest s`] = metricNumber(s.styleKeptAtMax, 'summary.styleKeptAtMax', ID)
    }
    return out
  },
  group: (scalar) => scalar.split(':')[0]!,
}
