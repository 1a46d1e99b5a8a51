import { preflightTheoryDcEstimate } from './preflight.js'
import type { Experiment } from '../experiment.js'
import { theoryDcEstimateConfigSchema, type TheoryDcEstimateConfig } from './config.js'
import { theoryDcEstimatePresets } from './presets.js'
import { runTheoryDcEstimate } from './run.js'
import { summarizeDcEstimates } from './summarize.js'
import { theoryDcEstimateSweep } from './sweep.js'

export { theoryDcEstimateConfigSchema, type TheoryDcEstimateConfig } from './config.js'
export { theoryDcEstimatePresets } from './presets.js'
export { drawSeeds, mainGrid, runTheoryDcEstimate, type DcEstimateRun } from './run.js'
export { estimateOnBatch, effectiveRatio, latentConditionalVariance, weightGradient, type BatchEstimates } from './estimate.js'
export { fractionEqual, sweepMeasures, theoryDcEstimateClaims } from './claims.js'
export { accuracySpec, exampleSpectrumSpec, marginSpec } from './figures.js'
export { expectedBreakdownRatio, literalUnmixedGap, summarizeDcEstimates, theoryDcEstimatePaperDgp } from './summarize.js'
export { theoryDcEstimateSweep } from './sweep.js'

const id = 'theory-dc-estimate'

/**
 * Lemma 7 / Prop. 2 (Appx. C): estimate d_c from the gradient spectrum of an untrained linear encoder under eq. 4, over
 * true d_c × σ_c/σ_s × draws on the paper's linear DGP; where does the estimate break down as σ_c → σ_s?
 */
export const theoryDcEstimate: Experiment<TheoryDcEstimateConfig> = {
  id,
  title: 'Lemma 7 / Prop. 2: estimating d_c from the gradient spectrum',
  paperRef: 'Appx. C, Lemma 7, Prop. 2 (eq. 5, 15), Lemma 6',
  summary: 'd_c from ρ_k of the eq. 4 gradient split over d_c × σ_c/σ_s (box, sphere); breakdown as σ_c → σ_s; literal ∂L/∂W reading',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log'],
  configSchema: theoryDcEstimateConfigSchema,
  presets: theoryDcEstimatePresets,
  paperDgpOnly: "it sweeps σ_c/σ_s of the paper's linear DGP (a user DGP fixes its own content conditional)",
  sweep: theoryDcEstimateSweep,
  preflight: (config) => preflightTheoryDcEstimate(config),
  async run(context) {
    return summarizeDcEstimates(context.config, await runTheoryDcEstimate(context))
  },
}
