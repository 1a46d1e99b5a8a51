import type { Experiment } from '../experiment.js'
import type { SpaceKind } from '../synthetic.js'
import { fig1R2ConfigSchema, type Fig1R2Config } from './config.js'
import { preflightFig1R2 } from './preflight.js'
import { fig1R2Presets } from './presets.js'
import { runFig1R2 } from './run.js'
import { summarizeLayerR2 } from './summarize.js'
import { fig1R2Sweep } from './sweep.js'

export { fig1R2ConfigSchema, fig1R2VariantSchema, variantNames, type Fig1R2Config, type Fig1R2Variant } from './config.js'
export { LAYER_R2_RIDGE_GRID, fig1R2Dgp, runFig1R2, type LayerR2Run } from './run.js'
export { fig1R2Claims } from './claims.js'
export { layerR2Spec, outputSpectrumSpec } from './figures.js'
export { summarizeLayerR2, fig1R2PaperDgp } from './summarize.js'
export { fig1R2Sweep } from './sweep.js'

/** Fig. 1 middle (box) / right (sphere): layer-wise adjusted R² of content and style through the encoder. */
function makeFig1R2(space: SpaceKind): Experiment<Fig1R2Config> {
  const id = `fig1-r2-${space}`
  return {
    id,
    title: `Fig. 1 (${space === 'box' ? 'middle' : 'right'}): layer-wise adjusted R² of content and style, ${space === 'box' ? 'hyperbox' : 'hypersphere'}`,
    paperRef: `§4.1 "Nonlinear DGP", Fig. 1 ${space === 'box' ? 'middle' : 'right'}`,
    summary: `nonlinear DGP + 7-layer MLP on the ${space}: style collapses in the last layer; ${space === 'box' ? 'τ_c < τ_s' : 'τ_c < τ_s without ℓ2-norm'} alleviates it`,
    requiredKernels: ['BatchMatMul', 'LeakyRelu', 'Max', 'Exp', 'Log'],
    configSchema: fig1R2ConfigSchema,
    presets: fig1R2Presets(space),
    preflight: (config, options) => preflightFig1R2(id, space, config, options),
    sweep: fig1R2Sweep(space),
    async run(context) {
      const runs = await runFig1R2(id, space, context)
      return summarizeLayerR2(space, context.config, runs, context.userDgp !== undefined ? { userDgp: context.userDgp } : {})
    },
  }
}

export const fig1R2Box = makeFig1R2('box')
export const fig1R2Sphere = makeFig1R2('sphere')
