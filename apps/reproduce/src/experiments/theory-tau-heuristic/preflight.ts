import { checkTrainBatchFits } from '../memory-estimate.js'
import { checkTemperature } from '../temperature-check.js'
import type { TheoryTauHeuristicConfig } from './config.js'

/**
 * Checks before a run directory exists: the batch fits in memory and every temperature survives float32. (A user DGP
 * does not reach this experiment: it is `paperDgpOnly`.)
 */
export function preflightTheoryTauHeuristic(config: TheoryTauHeuristicConfig): void {
  checkTrainBatchFits('config.train.batchSize', config.train.batchSize, { dims: config.dims, hiddenWidths: [] })
  checkTemperature('config.tauStyle', config.tauStyle)
  config.tauContents.forEach((t, i) => checkTemperature(`config.tauContents.${i}`, t))
}
