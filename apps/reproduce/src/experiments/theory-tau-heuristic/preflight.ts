import { DgpRequirementError } from '../dgp-requirement-error.js'
import type { UserDgp } from '../experiment.js'
import { checkTrainBatchFits } from '../memory-estimate.js'
import { checkTemperature } from '../temperature-check.js'
import type { TheoryTauHeuristicConfig } from './config.js'

/**
 * Checks before a run directory exists: the batch fits in memory, every temperature survives float32, and no user DGP
 * (the sweep sets σ_c of the paper's linear DGP, which a DGP factory cannot take).
 */
export function preflightTheoryTauHeuristic(experiment: string, config: TheoryTauHeuristicConfig, options: { readonly userDgp?: UserDgp }): void {
  checkTrainBatchFits('config.train.batchSize', config.train.batchSize, { dims: config.dims, hiddenWidths: [] })
  checkTemperature('config.tauStyle', config.tauStyle)
  config.tauContents.forEach((t, i) => checkTemperature(`config.tauContents.${i}`, t))
  if (options.userDgp !== undefined) {
    throw new DgpRequirementError(options.userDgp.module, `${experiment} sweeps σ_c of the paper's linear DGP (Appx. C), which a DGP factory cannot take; run it without --dgp`, options.userDgp.module)
  }
}
