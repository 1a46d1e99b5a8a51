import type { TheoryCollapseOptimalConfig } from './config.js'
import { checkTrainBatchFits } from '../memory-estimate.js'

/**
 * Checks before a run directory exists: a gradient batch of `batchSize` pairs through the nonlinear f_D (mlpLayers − 1
 * hidden layers of width d) fits in memory. `--dgp` does not apply: the experiment evaluates constructions on the paper's
 * own generators (A⁻¹ and the MLP's layer inverses), and says so in its report.
 */
export function preflightTheoryCollapseOptimal(config: TheoryCollapseOptimalConfig): void {
  checkTrainBatchFits('config.batchSize', config.batchSize, { dims: config.dims, hiddenWidths: Array.from({ length: config.generator.mlpLayers - 1 }, () => config.dims) })
}
