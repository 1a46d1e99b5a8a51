import { buildUserDgp } from '../experiment-dgp.js'
import type { UserDgp } from '../experiment.js'
import { checkEvalFits, checkTrainBatchFits } from '../memory-estimate.js'
import type { SpaceKind } from '../synthetic.js'
import { checkTemperature } from '../temperature-check.js'
import type { Fig1R2Config } from './config.js'

/**
 * Checks before a run directory exists: the training batch and the probe fit in memory, every temperature survives
 * float32, and a user DGP returns DGPs with the requested d and every d_c the variants use (probed with seed 0).
 */
export function preflightFig1R2(experiment: string, space: SpaceKind, config: Fig1R2Config, options: { readonly userDgp?: UserDgp }): void {
  const encoder = { dims: config.dims, hiddenWidths: config.encoder.hiddenWidths }
  checkTrainBatchFits('config.train.batchSize', config.train.batchSize, encoder)
  checkEvalFits('config.evalSamples', config.evalSamples, encoder)
  checkTemperature('config.tauStyle', config.tauStyle)
  config.variants.forEach((v, i) => checkTemperature(`config.variants.${i}.tauContent`, v.tauContent))
  if (config.adaptive?.enabled === true) checkTemperature('config.adaptive.floor', config.adaptive.floor)
  if (options.userDgp !== undefined) {
    for (const contentDims of new Set(config.variants.map((v) => v.contentDims ?? config.contentDims))) {
      buildUserDgp(options.userDgp, experiment, { space, dims: config.dims, contentDims, seed: 0 })
    }
  }
}
