import { buildUserDgp, requireLinear } from '../experiment-dgp.js'
import type { UserDgp } from '../experiment.js'
import { checkTrainBatchFits } from '../memory-estimate.js'
import { checkTemperature } from '../temperature-check.js'
import type { Fig1SpectrumConfig } from './config.js'
import { grid } from './run.js'

/**
 * Checks before a run directory exists: every space's batch fits in memory, the temperatures survive float32, and a
 * user DGP returns, for every (space, d_c) of the grid, a DGP with the requested d and d_c whose g is linear with a
 * `weights` matrix (probed with seed 0).
 */
export function preflightFig1Spectrum(experiment: string, config: Fig1SpectrumConfig, options: { readonly userDgp?: UserDgp }): void {
  for (const space of ['box', 'sphere'] as const) {
    const settings = config.spaces[space]
    if (settings !== undefined) checkTrainBatchFits(`config.spaces.${space}.train.batchSize`, settings.train.batchSize, { dims: config.dims, hiddenWidths: [] })
  }
  checkTemperature('config.tauStyle', config.tauStyle)
  checkTemperature('config.prop3.tauContent', config.prop3.tauContent)
  if (config.adaptive?.enabled === true) checkTemperature('config.adaptive.floor', config.adaptive.floor)
  const { userDgp } = options
  if (userDgp === undefined) return
  for (const space of ['box', 'sphere'] as const) {
    if (config.spaces[space] === undefined) continue
    for (const dc of new Set(grid(config, space, userDgp).map((p) => p.dc))) {
      requireLinear(buildUserDgp(userDgp, experiment, { space, dims: config.dims, contentDims: dc, seed: 0 }), userDgp.module, experiment)
    }
  }
}
