import { preflightTheoryDynamics } from './preflight.js'
import type { Experiment } from '../experiment.js'
import { theoryDynamicsConfigSchema, type TheoryDynamicsConfig } from './config.js'
import { theoryDynamicsPresets } from './presets.js'
import { summarizeDynamics } from './summarize.js'
import { runDynamicsSweep } from './sweep.js'
import { theoryDynamicsSweep } from './sweep-support.js'

export { theoryDynamicsConfigSchema, type TheoryDynamicsConfig } from './config.js'
export { theoryDynamicsClaims, meanError } from './claims.js'
export { summarizeDynamics, theoryDynamicsPaperDgp } from './summarize.js'
export { runDynamicsSweep, weightPoints, limitOf, MARGINAL_FACTOR, type GradientSample, type PredictedSpectrum, type DynamicsSweep } from './sweep.js'
export { eq4GradientsTf, eq4WeightGradient, eq4LossStopNegatives, GRADIENT_KINDS, type GradientKind } from './eq4-gradient.js'
export { eq4GradientF64 } from './eq4-gradient-f64.js'
export { populationCovariances, batchCovariances, truncatedNormalShiftVariance } from './covariances.js'
export { theoryDynamicsSweep } from './sweep-support.js'

const id = 'theory-dynamics'

/** Lemma 5 (Appx. C eq. 5/14): the InfoNCE gradient of a linear encoder vs W[Σ_x − Σ_x̃] as the number of negatives grows. */
export const theoryDynamics: Experiment<TheoryDynamicsConfig> = {
  id,
  title: 'Lemma 5: the linear InfoNCE gradient approaches W[Σ_x − Σ_x̃] as M grows',
  paperRef: 'Appx. C, Lemma 5, eq. (5)–(14)',
  summary: 'eq. (4) gradient of a linear f vs its M → ∞ limit: relative error vs M, paper (negatives constant) vs full autodiff',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log', 'Select'],
  configSchema: theoryDynamicsConfigSchema,
  presets: theoryDynamicsPresets,
  paperDgpOnly: "it needs the paper's linear box DGP: its prediction uses the closed-form population covariances",
  sweep: theoryDynamicsSweep,
  preflight: (config) => preflightTheoryDynamics(config),
  async run(context) {
    const sweep = runDynamicsSweep(context.config, context.seeds, context.log)
    return summarizeDynamics(context.config, sweep)
  },
}
