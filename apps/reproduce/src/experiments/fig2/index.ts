import type { Experiment } from '../experiment.js'
import { IMAGE_KERNELS } from '../images/kernels.js'
import { preflightImages } from '../images/preflight.js'
import { checkTemperature } from '../temperature-check.js'
import { fig2ConfigSchema, type Fig2Config } from './config.js'
import { fig2Presets } from './presets.js'
import { runFig2 } from './run.js'
import { summarizeFig2 } from './summarize.js'
import { fig2Sweep } from './sweep.js'

export { fig2ConfigSchema, type Fig2Config } from './config.js'
export { FIG2_LABELS, FIG2_VARIANTS, fig2Presets, type Fig2VariantId } from './presets.js'
export { fig2Variants, runFig2 } from './run.js'
export { summarizeSpectrum, type SpectrumSummary } from './spectrum.js'
export { aggregateFig2, fig2Claims, type Fig2Ours, type Fig2Results, type Fig2SeedResult } from './claims.js'
export { SPECTRUM_FLOOR, fig2Spec, meanSpectrum } from './figures.js'
export { FIG2_PAPER, summarizeFig2 } from './summarize.js'
export { fig2Sweep } from './sweep.js'

const id = 'fig2'

/**
 * Fig. 2 (§4.2): covariance spectra of the test representations after and before the projector, regular SimCLR vs
 * without ℓ2-normalisation (standardised outputs).
 */
export const fig2: Experiment<Fig2Config> = {
  id,
  title: "Fig. 2: spectrum of the representations' covariance after / before the projector",
  paperRef: '§4.2, Fig. 2',
  summary: 'SimCLR ResNet on images: covariance spectra after vs before the projector, regular vs w/o ℓ2-normalisation',
  requiredKernels: IMAGE_KERNELS,
  configSchema: fig2ConfigSchema,
  presets: fig2Presets,
  paperDgpOnly: 'it trains on images (CIFAR-10 / Fashion-MNIST), not on a DGP',
  usesNoDgp: true,
  sweep: fig2Sweep,
  preflight: (config) => {
    preflightImages(config)
    checkTemperature('config.tau', config.tau)
  },
  async run(context) {
    const { results, source } = await runFig2(id, context)
    return summarizeFig2(context.config, results, { source })
  },
}
