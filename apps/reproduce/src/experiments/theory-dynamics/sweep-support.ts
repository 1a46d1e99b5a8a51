import type { SweepSupport } from '../experiment.js'
import { metricArray, metricNumber } from '../theory/metric-fields.js'
import type { TheoryDynamicsConfig } from './config.js'

const ID = 'theory-dynamics'

/**
 * Eq. (4)-(6) dynamics in a sweep: per weight point, gradient reading (paper / full autodiff) and number of negatives M,
 * the mean relative error of the covariance form against the population gradient, from the run's summary. Scalars only.
 */
export const theoryDynamicsSweep: SweepSupport<TheoryDynamicsConfig> = {
  scalars(metrics) {
    const out: Record<string, number> = {}
    for (const s of metricArray<{ weights: string; kind: string; negatives: number; errorPopulation?: { mean: unknown } }>(metrics, 'summary', ID)) {
      out[`${s.weights}, ${s.kind}: rel. error, M = ${s.negatives}`] = metricNumber(s.errorPopulation?.mean, 'summary.errorPopulation.mean', ID)
    }
    return out
  },
  group: (scalar) => scalar.split(': rel. error')[0]!,
}
