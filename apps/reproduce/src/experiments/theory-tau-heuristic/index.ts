import type { Experiment } from '../experiment.js'
import { theoryTauHeuristicConfigSchema, type TheoryTauHeuristicConfig } from './config.js'
import { preflightTheoryTauHeuristic } from './preflight.js'
import { theoryTauHeuristicPresets } from './presets.js'
import { runTheoryTauHeuristic } from './run.js'
import { summarizeTauHeuristic } from './summarize.js'
import { theoryTauHeuristicSweep } from './sweep.js'

export { theoryTauHeuristicConfigSchema, type TheoryTauHeuristicConfig } from './config.js'
export { runTheoryTauHeuristic, tauGrid, tauRunKey, type TauPoint, type TauRun } from './run.js'
export { theoryTauHeuristicClaims } from './claims.js'
export { READINGS, balanceCrossing, contentStyleBalance, logDistance, ratioMeasures, readingHolds, readingTau, supportedReading, withinFactor, type RatioMeasures, type Reading, type SupportedReading } from './measures.js'
export { flatnessSpec, spectraSpec } from './figures.js'
export { summarizeTauHeuristic, theoryTauHeuristicDgp } from './summarize.js'
export { theoryTauHeuristicSweep } from './sweep.js'

const id = 'theory-tau-heuristic'

/** Prop. 3 (Appx. C eq. 16–18): sweep τ_c per σ_c/σ_s and find where the trained linear W's spectrum is flattest. */
export const theoryTauHeuristic: Experiment<TheoryTauHeuristicConfig> = {
  id,
  title: 'Prop. 3: the τ_c heuristic — which τ_c flattens the spectrum of a linear encoder',
  paperRef: 'Appx. C, Prop. 3, eq. 16–18',
  summary: 'linear g and f (d = 8, box): sweep τ_c per σ_c/σ_s, find the flattest W, test τ_c = σ_c/σ_s vs (σ_c/σ_s)²',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log'],
  configSchema: theoryTauHeuristicConfigSchema,
  presets: theoryTauHeuristicPresets,
  paperDgpOnly: "it sweeps σ_c of the paper's linear DGP (Appx. C), which a DGP factory cannot take",
  sweep: theoryTauHeuristicSweep,
  preflight: (config) => preflightTheoryTauHeuristic(config),
  async run(context) {
    const runs = await runTheoryTauHeuristic(context)
    return summarizeTauHeuristic(context.config, runs)
  },
}
