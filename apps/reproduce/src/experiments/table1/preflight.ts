import { buildUserDgp, requireInverse } from '../experiment-dgp.js'
import type { UserDgp } from '../experiment.js'
import { checkEvalFits, checkTrainBatchFits } from '../memory-estimate.js'
import { checkTemperature } from '../temperature-check.js'
import type { Table1Config } from './config.js'
import { SPACES } from './run.js'

/**
 * Checks before a run directory exists: the batch and the evaluation fit in memory, τ survives float32, and a user DGP
 * returns, for both spaces, a DGP with the requested d and d_c whose generator has a working inverse (the f = g⁻¹ row;
 * probed with seed 0).
 */
export function preflightTable1(experiment: string, config: Table1Config, options: { readonly userDgp?: UserDgp }): void {
  const encoder = { dims: config.dims, hiddenWidths: config.encoder.hiddenWidths }
  checkTrainBatchFits('config.train.batchSize', config.train.batchSize, encoder)
  checkEvalFits('config.evalSamples', config.evalSamples, encoder)
  checkTemperature('config.tau', config.tau)
  const { userDgp } = options
  if (userDgp === undefined) return
  for (const space of SPACES) {
    const dgp = buildUserDgp(userDgp, experiment, { space, dims: config.dims, contentDims: config[space].contentDims, seed: 0 })
    requireInverse(dgp, userDgp.module, experiment)
  }
}
