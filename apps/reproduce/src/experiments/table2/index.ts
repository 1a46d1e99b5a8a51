import type { Experiment } from '../experiment.js'
import { IMAGE_KERNELS } from '../images/kernels.js'
import { table2ConfigSchema, type Table2Config } from './config.js'
import { preflightTable2 } from './preflight.js'
import { table2Presets } from './presets.js'
import { runTable2 } from './run.js'
import { summarizeTable2 } from './summarize.js'
import { table2Sweep } from './sweep.js'

export { table2ConfigSchema, type Table2Config } from './config.js'
export { TABLE2_LABELS, TABLE2_PAPER, TABLE2_VARIANTS, table2Presets, type Table2VariantId } from './presets.js'
export { diffTau, runTable2, table2Variants } from './run.js'
export { CHANCE_MULTIPLE, NO_NORM_TOLERANCE, aggregateTable2, table2Claims, type Table2Ours, type Table2Results, type Table2SeedResult } from './claims.js'
export { table2Spec } from './figures.js'
export { describeImageSetup, summarizeTable2 } from './summarize.js'
export { table2Sweep } from './sweep.js'

const id = 'table2'

/**
 * Table 2 (§4.2): SimCLR on CIFAR-10 (PatrickHua/SimSiam), regular vs without ℓ2-normalisation (standardised outputs)
 * vs without normalisation and a per-dim τ; linear readout accuracy after and before the projector.
 */
export const table2: Experiment<Table2Config> = {
  id,
  title: 'Table 2: linear readout after / before the projector (regular, w/o norm, w/o norm + diff. τ)',
  paperRef: '§4.2, Table 2',
  summary: 'SimCLR ResNet on images: readout accuracy after vs before the projector for three loss variants',
  requiredKernels: IMAGE_KERNELS,
  configSchema: table2ConfigSchema,
  presets: table2Presets,
  paperDgpOnly: 'it trains on images (CIFAR-10 / Fashion-MNIST), not on a DGP',
  usesNoDgp: true,
  sweep: table2Sweep,
  preflight: (config) => preflightTable2(config),
  async run(context) {
    const { results, numClasses, source } = await runTable2(id, context)
    return summarizeTable2(context.config, results, { numClasses, source })
  },
}
