import type { Experiment } from '../experiment.js'
import { IMAGE_KERNELS } from '../images/kernels.js'
import { appendixEConfigSchema, type AppendixEConfig } from './config.js'
import { preflightAppendixE } from './preflight.js'
import { appendixEPresets } from './presets.js'
import { runAppendixE } from './run.js'
import { summarizeAppendixE } from './summarize.js'
import { appendixESweep } from './sweep.js'

export { appendixEConfigSchema, type AppendixEConfig } from './config.js'
export { APPENDIX_E_PAPER, appendixEPresets } from './presets.js'
export { preflightAppendixE } from './preflight.js'
export { runAppendixE, runDirectClrSeed } from './run.js'
export { EQ28_TOLERANCE, ZERO_FRACTION, appendixEClaims, type AppendixESeedResult } from './claims.js'
export { channelAbsSums, meanRange, tailRelativeDifference } from './weights.js'
export { readoutSpec, weightSpec } from './figures.js'
export { summarizeAppendixE } from './summarize.js'
export { appendixESweep } from './sweep.js'

const id = 'appendix-e'

/**
 * Appx. E (Fig. 4, eq. 28): DirectCLR trains the InfoNCE on the first d dims of the backbone output only; the last
 * residual conv acts as a projector whose weights outside d decay to zero, so r = cat(h[:d] + conv(h), h[d:]).
 */
export const appendixE: Experiment<AppendixEConfig> = {
  id,
  title: 'Appx. E: DirectCLR uses its last residual conv as a projector (Fig. 4, eq. 28)',
  paperRef: 'Appx. E, Fig. 4, eq. 28',
  summary: 'DirectCLR-style ResNet: last-conv weights outside the loss dims vanish, r[:, d:] = h[:, d:], readout on h vs r',
  requiredKernels: IMAGE_KERNELS,
  configSchema: appendixEConfigSchema,
  presets: appendixEPresets,
  paperDgpOnly: 'it trains on images (CIFAR-10 / Fashion-MNIST), not on a DGP',
  usesNoDgp: true,
  sweep: appendixESweep,
  preflight: (config) => preflightAppendixE(config),
  async run(context) {
    const { results, source } = await runAppendixE(id, context)
    return summarizeAppendixE(context.config, results, { source })
  },
}
