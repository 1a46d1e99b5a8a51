import { checkTrainBatchFits } from '../memory-estimate.js'
import type { TheoryDynamicsConfig } from './config.js'

/**
 * Checks before a run directory exists: the largest gradient batch (N = M + 1 for the largest M) fits in memory for
 * the linear encoder. (A user DGP does not reach this experiment: `paperDgpOnly`.)
 */
export function preflightTheoryDynamics(config: TheoryDynamicsConfig): void {
  config.negatives.forEach((m, i) => checkTrainBatchFits(`config.negatives.${i}`, m + 1, { dims: config.dims, hiddenWidths: [] }))
}
