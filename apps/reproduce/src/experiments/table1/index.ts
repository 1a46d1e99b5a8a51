import type { Experiment } from '../experiment.js'
import { table1ConfigSchema, type Table1Config } from './config.js'
import { preflightTable1 } from './preflight.js'
import { table1Presets } from './presets.js'
import { runTable1 } from './run.js'
import { summarize } from './summarize.js'
import { table1Sweep } from './sweep.js'

export { table1ConfigSchema, type Table1Config } from './config.js'
export { TABLE1_PAPER } from './presets.js'
export { runTable1, table1Dgp, type Losses, type SeedResult } from './run.js'
export { aggregateTable1, table1Claims } from './claims.js'
export { table1Spec } from './figures.js'
export { summarize, table1PaperDgp } from './summarize.js'
export { table1Sweep } from './sweep.js'

const id = 'table1'

/**
 * Table 1: with content dims present, the InfoNCE-trained (collapsed) encoder reaches a lower loss than the intended
 * solution f = g⁻¹. Nonlinear DGP (3-layer invertible MLP, d = 10), MLP encoder; box with Lp-InfoNCE (p = 2), sphere with
 * cosine InfoNCE on ℓ2-normalised outputs; τ = 1; losses on 10 000 fresh samples.
 */
export const table1: Experiment<Table1Config> = {
  id,
  title: 'Table 1: collapsed encoders have a lower InfoNCE loss than f = g⁻¹',
  paperRef: '§4.1, Table 1',
  summary: 'L_align, L_uniform, L_CL of f = g⁻¹ and of a trained encoder on box and sphere',
  requiredKernels: ['BatchMatMul', 'LeakyRelu', 'Max', 'Exp', 'Log'],
  configSchema: table1ConfigSchema,
  presets: table1Presets,
  preflight: (config, options) => preflightTable1(id, config, options),
  sweep: table1Sweep,
  async run(context) {
    const results = await runTable1(id, context)
    return summarize(context.config, results, context.userDgp !== undefined ? { userDgp: context.userDgp } : {})
  },
}
