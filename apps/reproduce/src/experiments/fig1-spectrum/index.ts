import type { Experiment } from '../experiment.js'
import { fig1SpectrumConfigSchema, type Fig1SpectrumConfig } from './config.js'
import { preflightFig1Spectrum } from './preflight.js'
import { fig1SpectrumPresets } from './presets.js'
import { runFig1Spectrum } from './run.js'
import { summarizeSpectra } from './summarize.js'
import { fig1SpectrumSweep } from './sweep.js'

export { fig1SpectrumConfigSchema, type Fig1SpectrumConfig } from './config.js'
export { grid, runFig1Spectrum, fig1SpectrumDgp, type GridPoint, type SpectrumRun } from './run.js'
export { fig1SpectrumClaims } from './claims.js'
export { adaptiveTauSchema, adaptiveOptions, adaptiveSource, adaptiveOutcome, type AdaptiveTauConfig, type AdaptiveTauOutcome } from './adaptive.js'
export { spectrumSpec } from './figures.js'
export { summarizeSpectra, fig1SpectrumPaperDgp } from './summarize.js'
export { fig1SpectrumSweep } from './sweep.js'

const id = 'fig1-spectrum'

/** The linear experiment of §4.1 (Fig. 1 left): spectra of a bias-free linear encoder trained on a linear DGP. */
export const fig1Spectrum: Experiment<Fig1SpectrumConfig> = {
  id,
  title: 'Fig. 1 (left): singular values of linear encoders — content suppresses style',
  paperRef: '§4.1 "Linear DGP", Fig. 1 left, Appx. C, Prop. 3',
  summary: 'linear g and f (d = 8): style collapses for d_c > 0; τ_c < τ_s restores the spectrum of W',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log'],
  configSchema: fig1SpectrumConfigSchema,
  presets: fig1SpectrumPresets,
  preflight: (config, options) => preflightFig1Spectrum(id, config, options),
  sweep: fig1SpectrumSweep,
  async run(context) {
    const runs = await runFig1Spectrum(id, context)
    return summarizeSpectra(context.config, runs, context.userDgp !== undefined ? { userDgp: context.userDgp } : {})
  },
}
