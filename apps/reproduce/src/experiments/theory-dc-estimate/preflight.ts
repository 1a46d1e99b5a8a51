import { checkTrainBatchFits } from '../memory-estimate.js'
import type { TheoryDcEstimateConfig } from './config.js'

/**
 * Checks before a run directory exists: every gradient batch (the sweep's N, the batch sweep's N values, the trained
 * encoder's batch) fits in memory for the linear encoder. (A user DGP does not reach this experiment: `paperDgpOnly`.)
 */
export function preflightTheoryDcEstimate(config: TheoryDcEstimateConfig): void {
  const encoder = { dims: config.dims, hiddenWidths: [] }
  checkTrainBatchFits('config.batchSize', config.batchSize, encoder)
  config.batchSweep.batchSizes.forEach((n, i) => checkTrainBatchFits(`config.batchSweep.batchSizes.${i}`, n, encoder))
  if (config.trained !== undefined) checkTrainBatchFits('config.trained.train.batchSize', config.trained.train.batchSize, encoder)
}
