import type { Experiment } from '../experiment.js'
import { checkTrainBatchFits } from '../memory-estimate.js'
import { checkTemperature } from '../temperature-check.js'
import { trainCollapseRuns } from './collapse.js'
import { theoryBatchRankConfigSchema, type TheoryBatchRankConfig } from './config.js'
import { measureGradientRanks } from './gradient-rank.js'
import { theoryBatchRankPresets } from './presets.js'
import { summarizeBatchRank } from './summarize.js'
import { theoryBatchRankSweep } from './sweep.js'

export { theoryBatchRankConfigSchema, type TheoryBatchRankConfig } from './config.js'
export { theoryBatchRankClaims, collapseStyleBlock, meanLogCondition } from './claims.js'
export { summarizeBatchRank, theoryBatchRankPaperDgp } from './summarize.js'
export { measureGradientRanks, type RankSample, type ConditioningSample, type PopulationConditioning } from './gradient-rank.js'
export { trainCollapseRuns, type CollapseRun } from './collapse.js'
export { derivedRankBound } from './rank.js'
export { numericalRank } from '../theory/numerical-rank.js'
export { theoryBatchRankSweep } from './sweep.js'

const id = 'theory-batch-rank'

/** Lemma 6 (Appx. C): gradient rank and conditioning vs batch size, and collapse strength vs training batch size. */
export const theoryBatchRank: Experiment<TheoryBatchRankConfig> = {
  id,
  title: 'Lemma 6: batch size, gradient rank and collapse',
  paperRef: 'Appx. C, Lemma 6',
  summary: 'rank and conditioning of ∂L/∂W vs batch size (bound min(d, N − 1 + min(N, d_s))), and style collapse vs training batch size',
  requiredKernels: ['BatchMatMul', 'Max', 'Exp', 'Log'],
  configSchema: theoryBatchRankConfigSchema,
  presets: theoryBatchRankPresets,
  paperDgpOnly: "it needs the paper's linear box DGP (its matrix A for W = s·A⁻¹ and W·A_g)",
  sweep: theoryBatchRankSweep,
  preflight(config) {
    config.collapse.batchSizes.forEach((n, i) => checkTrainBatchFits(`config.collapse.batchSizes.${i}`, n, { dims: config.dims, hiddenWidths: [] }))
    checkTemperature('config.collapse.tau', config.collapse.tau)
  },
  async run(context) {
    const { ranks, conditioning, population } = measureGradientRanks(context.config, context.seeds, context.log)
    const runs = await trainCollapseRuns(context)
    return summarizeBatchRank(context.config, ranks, conditioning, runs, population)
  },
}
