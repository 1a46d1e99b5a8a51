import { styleBlockMean } from '@cl/metrics'
import type { ExperimentOutput } from '../experiment.js'
import { meanStd } from '../stats.js'
import { collapseStyleBlock, meanLogCondition, theoryBatchRankClaims } from './claims.js'
import type { CollapseRun } from './collapse.js'
import type { TheoryBatchRankConfig } from './config.js'
import { theoryBatchRankFigures } from './figures.js'
import type { ConditioningSample, PopulationConditioning, RankSample } from './gradient-rank.js'
import { derivedRankBound } from './rank.js'

/** The paper DGP of this experiment, in words. */
export function theoryBatchRankPaperDgp(config: TheoryBatchRankConfig): string {
  return `paper §4.1 linear DGP on the box: uniform marginal, δ content, box-truncated normal style conditional (σ_s = ${config.sigmaStyle}), linear g (d = ${config.dims})`
}

/** Claims, metrics, report and figures of Parts A and B. Exported for claim tests on constructed inputs. */
export async function summarizeBatchRank(config: TheoryBatchRankConfig, ranks: readonly RankSample[], conditioning: readonly ConditioningSample[], runs: readonly CollapseRun[], population: readonly PopulationConditioning[] = []): Promise<ExperimentOutput> {
  const d = config.dims
  const distinct = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b).join(',')
  const rankTable = ['| d_c | N | rank ∂L/∂W full | rank paper (eq. 7) | bound min(d, N − 1 + min(N, d_s)) | paper bound N | rank Ŝ_x | rank Σ̂_x̃ |', '|---|---|---|---|---|---|---|---|']
  for (const dc of config.rank.contentDims) {
    for (const n of config.rank.batchSizes) {
      const g = ranks.filter((r) => r.contentDims === dc && r.batchSize === n)
      if (g.length === 0) continue
      rankTable.push(`| ${dc} | ${n} | ${distinct(g.map((r) => r.rankFull))} | ${distinct(g.map((r) => r.rankPaper))} | ${derivedRankBound(d, n, d - dc)} | ${n < d ? n : '–'} | ${distinct(g.map((r) => r.rankMarginal))} | ${distinct(g.map((r) => r.rankConditional))} |`)
    }
  }
  const condTable = ['| N | mean log10 κ(∂L/∂W) | mean log10 κ(Ŝ_x) |', '|---|---|---|']
  for (const n of config.conditioning.batchSizes) condTable.push(`| ${n} | ${meanLogCondition(conditioning, n, 'logConditionGradient').toFixed(3)} | ${meanLogCondition(conditioning, n, 'logConditionMarginal').toFixed(3)} |`)
  if (population.length > 0) {
    const avg = (f: (p: PopulationConditioning) => number) => meanStd(population.map(f)).mean.toFixed(3)
    condTable.push(`| population (N → ∞) | ${avg((p) => p.logConditionGradientLimit)} (W[2Σ_x − Σ_x̃], the uniform-α limit) | ${avg((p) => p.logConditionMarginal)} (Σ_x) |`)
  }
  const ds = d - config.collapse.contentDims
  const collapseTable = ['| N (training) | style block W·A_g (mean ± std over seeds) | style block W | final loss |', '|---|---|---|---|']
  for (const n of config.collapse.batchSizes) {
    const g = runs.filter((r) => r.batchSize === n)
    if (g.length === 0) continue
    const sb = meanStd(g.map((r) => styleBlockMean(r.endToEnd, ds)))
    collapseTable.push(`| ${n} | ${sb.mean.toFixed(3)} ± ${sb.std.toFixed(3)} | ${meanStd(g.map((r) => styleBlockMean(r.weights, ds))).mean.toFixed(3)} | ${meanStd(g.map((r) => r.finalLoss)).mean.toFixed(3)} |`)
  }
  return {
    metrics: {
      dgp: { paper: theoryBatchRankPaperDgp(config) },
      rankTolerance: `numerical rank = number of singular values > ${config.rank.tolerance}·σ_1 of the float64 gradient`,
      ranks,
      conditioning,
      populationConditioning: population,
      conditioningSummary: config.conditioning.batchSizes.map((n) => ({ batchSize: n, logConditionGradient: meanLogCondition(conditioning, n, 'logConditionGradient'), logConditionMarginal: meanLogCondition(conditioning, n, 'logConditionMarginal') })),
      collapse: { runs, styleBlock: config.collapse.batchSizes.map((n) => ({ batchSize: n, styleBlock: collapseStyleBlock(config, runs, n) })) },
    },
    paper: { lemma6: 'increasing the batch size improves the covariance estimates, giving better-conditioned (higher-rank) gradients; if M + 1 < d the covariance estimates cannot be full rank (no numbers given)' },
    claims: theoryBatchRankClaims(config, ranks, conditioning, runs),
    figures: await theoryBatchRankFigures(config, ranks, conditioning, runs),
    reportMarkdown: [
      `DGP: ${theoryBatchRankPaperDgp(config)}.`,
      '',
      `Part A (no training): ∂L/∂W of the per-anchor mean of eq. (4) at W = ${config.rank.scale}·A⁻¹, computed in float64 from the closed form (checked against tfjs autodiff in the tests); numerical rank = #σ > ${config.rank.tolerance}·σ_1. With δ_i = x_i − x̃_i, −∂L/∂W = W·[(1/N)Σ_i Σ_{j≠i} α_ij (x_i − x_j) x_iᵀ − (1/N)Σ_i (1 − α_ii) δ_i δ_iᵀ] (paper's gradient, eq. 7; full autodiff has (x_i − x_j)(x_i − x_j)ᵀ in the first sum). The bracket's column space lies in span{x_i − x_j} (N − 1 dims) + span{δ_i}, and with δ content δ_i lies in the d_s-dim style image of A. So rank ≤ min(d, N − 1 + min(N, d_s)) = min(d, M + min(M + 1, d_s)), not M + 1: the marginal part gives at most M directions, the positive pairs up to min(N, d_s) more.`,
      '',
      ...rankTable,
      '',
      ...condTable,
      '',
      `Part B: bias-free linear encoder trained on the box (Lp-InfoNCE p = 2, τ = ${config.collapse.tau}, d_c = ${config.collapse.contentDims}, ${config.collapse.train.steps} Adam steps, lr ${config.collapse.train.learningRate}) at each batch size; style block = mean of the ${ds} smallest normalised singular values of W·A_g.`,
      '',
      ...collapseTable,
    ].join('\n'),
  }
}
