import type { Experiment } from '../experiment.js'
import { theoryCollapseOptimalConfigSchema, type TheoryCollapseOptimalConfig } from './config.js'
import { preflightTheoryCollapseOptimal } from './preflight.js'
import { theoryCollapseOptimalPresets } from './presets.js'
import { runTheoryCollapseOptimal } from './run.js'
import { summarizeTheoryCollapseOptimal } from './summarize.js'
import { theoryCollapseOptimalSweep } from './sweep.js'

export { theoryCollapseOptimalConfigSchema, type TheoryCollapseOptimalConfig } from './config.js'
export { theoryCollapseOptimalPresets } from './presets.js'
export { evaluateCollapse, runTheoryCollapseOptimal, type CollapseRun, type GradientAtScale } from './run.js'
export { theoryCollapseOptimalClaims } from './claims.js'
export { summarizeTheoryCollapseOptimal } from './summarize.js'
export { eq4LossFloat64, collapsedLossBound, contentKernelMean } from './eq4-float64.js'
export { theoryCollapseOptimalSweep } from './sweep.js'

const id = 'theory-collapse-optimal'

/**
 * Appx. C / D (Props. 1, 4, 5, Corollary 1, "Consequences for the optimal loss"), evaluated without training: along
 * W = D_s·A⁻¹ with a growing content-only scale the loss falls to its infimum 0 with style R² 0 and crosses below
 * L(A⁻¹); W = 0 gives log(M+1); the gradient there has rank ≤ d_c (and, for f_D = D ∘ g⁻¹, that of the last matrix).
 */
export const theoryCollapseOptimal: Experiment<TheoryCollapseOptimalConfig> = {
  id,
  title: 'Appx. C/D: collapsed encoders reach the optimal loss (Props. 1, 4, 5, Corollary 1)',
  paperRef: 'Appx. C "Consequences for the optimal loss", Appx. D.1–D.3 (Props. 4, 1, 5, Corollary 1)',
  summary: 'no training: L(D_s·A⁻¹) → 0 with style R² 0, below L(A⁻¹); L(0) = log(M+1); gradient rank ≤ d_c',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log', 'Select', 'GreaterEqual'],
  configSchema: theoryCollapseOptimalConfigSchema,
  presets: theoryCollapseOptimalPresets,
  paperDgpOnly: "its constructions need the paper's own generators (A⁻¹ and the MLP's layer inverses)",
  sweep: theoryCollapseOptimalSweep,
  preflight: (config) => preflightTheoryCollapseOptimal(config),
  async run(context) {
    const runs = await runTheoryCollapseOptimal(context)
    return summarizeTheoryCollapseOptimal(context.config, runs)
  },
}
