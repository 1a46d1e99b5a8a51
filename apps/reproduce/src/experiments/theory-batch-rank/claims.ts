import { styleBlockMean } from '@cl/metrics'
import type { Claim } from '../experiment.js'
import { meanStd } from '../stats.js'
import type { CollapseRun } from './collapse.js'
import type { TheoryBatchRankConfig } from './config.js'
import type { ConditioningSample, RankSample } from './gradient-rank.js'
import { derivedRankBound } from './rank.js'

const mean = (xs: readonly number[]) => meanStd(xs).mean

/** Mean over seeds of the style block (d − d_c smallest normalised σ) of W·A_g at one batch size. */
export function collapseStyleBlock(config: TheoryBatchRankConfig, runs: readonly CollapseRun[], batchSize: number): number {
  return mean(runs.filter((r) => r.batchSize === batchSize).map((r) => styleBlockMean(r.endToEnd, config.dims - config.collapse.contentDims)))
}

/** Mean log10 condition number at one batch size. */
export function meanLogCondition(samples: readonly ConditioningSample[], batchSize: number, field: 'logConditionGradient' | 'logConditionMarginal'): number {
  return mean(samples.filter((s) => s.batchSize === batchSize).map((s) => s[field]))
}

/** "N=2: {4}, N=3: {6}" — the distinct ranks per batch size of a selection. */
function rankSets(samples: readonly RankSample[], field: 'rankPaper' | 'rankFull' | 'rankMarginal' | 'rankConditional'): string {
  const sizes = [...new Set(samples.map((s) => s.batchSize))]
  return sizes.map((n) => `N=${n}: {${[...new Set(samples.filter((s) => s.batchSize === n).map((s) => s[field]))].sort((a, b) => a - b).join(',')}}`).join(', ')
}

/**
 * The claims of Lemma 6: the paper's bound rank ≤ M + 1 = N for N < d and its weaker reading (the gradient cannot be
 * full rank for N < d), our bound min(d, N − 1 + min(N, d_s)) (holds and is attained), the covariance estimates' ranks
 * min(d, N − 1) and min(d_s, N), the conditioning of the gradient and of Ŝ_x improving with N, and (Part B) a larger
 * training batch collapsing the style block no more than the smallest one.
 */
export function theoryBatchRankClaims(config: TheoryBatchRankConfig, ranks: readonly RankSample[], conditioning: readonly ConditioningSample[], runs: readonly CollapseRun[]): Claim[] {
  const d = config.dims
  const claims: Claim[] = []
  const below = ranks.filter((r) => r.batchSize < d)
  const gradientRank = (r: RankSample) => Math.max(r.rankPaper, r.rankFull)
  claims.push({
    id: 'paper-rank-bound',
    description: `Lemma 6: for M + 1 = N < d = ${d} the gradient's rank is at most N (both the paper's and the full gradient, every d_c)`,
    expected: 'rank ≤ N for every batch with N < d',
    measured: below.length === 0 ? 'no batch with N < d' : `full gradient ranks ${rankSets(below, 'rankFull')}`,
    holds: below.length > 0 && below.every((r) => gradientRank(r) <= r.batchSize),
  })
  claims.push({
    id: 'paper-rank-deficient-below-d',
    description: `Lemma 6, weaker reading: for N < d = ${d} the gradient is not full rank`,
    expected: `rank < ${d} for every batch with N < d`,
    measured: below.length === 0 ? 'no batch with N < d' : `full-rank batches with N < d: ${below.filter((r) => gradientRank(r) >= d).length} of ${below.length} (N: ${[...new Set(below.filter((r) => gradientRank(r) >= d).map((r) => r.batchSize))].join(', ') || '–'})`,
    holds: below.length > 0 && below.every((r) => gradientRank(r) < d),
  })
  const bound = (r: RankSample) => derivedRankBound(d, r.batchSize, d - r.contentDims)
  const violations = ranks.filter((r) => r.rankPaper > bound(r) || r.rankFull > bound(r))
  const groups = [...new Set(ranks.map((r) => `${r.contentDims}|${r.batchSize}`))]
  const unattained = groups.filter((key) => {
    const g = ranks.filter((r) => `${r.contentDims}|${r.batchSize}` === key)
    return Math.max(...g.map((r) => Math.min(r.rankPaper, r.rankFull))) < bound(g[0]!)
  })
  claims.push({
    id: 'derived-rank-bound',
    description: `with δ content the column space of W⁻¹·∂L/∂W lies in span{x_i − x_j} + span{x_i − x̃_i}, the latter inside the d_s-dim style image: rank ≤ min(d, N − 1 + min(N, d_s)), and it is attained (both gradients)`,
    expected: 'no batch above the bound; for every (d_c, N) some batch reaches it',
    measured: `${violations.length} batches above, ${unattained.length} of ${groups.length} (d_c, N) not reaching it${unattained.length > 0 ? ` (${unattained.map((k) => k.replace('|', ', N=').replace(/^/, 'd_c=')).join('; ')})` : ''}`,
    holds: ranks.length > 0 && violations.length === 0 && unattained.length === 0,
  })
  const badCov = ranks.filter((r) => r.rankMarginal !== Math.min(d, r.batchSize - 1) || r.rankConditional !== Math.min(d - r.contentDims, r.batchSize))
  claims.push({
    id: 'covariance-estimate-ranks',
    description: 'Lemma 6 as stated: the covariance estimates cannot be full rank with fewer samples than dimensions: rank Ŝ_x = min(d, N − 1), rank Σ̂_x̃ = min(d_s, N)',
    expected: 'equality for every batch',
    measured: `${badCov.length} of ${ranks.length} batches differ`,
    holds: ranks.length > 0 && badCov.length === 0,
  })
  const ns = config.conditioning.batchSizes
  for (const [id, field, what] of [
    ['gradient-conditioning-improves', 'logConditionGradient', 'the full gradient ∂L/∂W'],
    ['covariance-conditioning-improves', 'logConditionMarginal', 'the covariance estimate Ŝ_x'],
  ] as const) {
    const curve = ns.map((n) => meanLogCondition(conditioning, n, field))
    claims.push({
      id,
      description: `Lemma 6: ${what} is better conditioned for larger batches (d_c = ${config.conditioning.contentDims}, N > d; mean of log10 σ_1/σ_d over batches)`,
      expected: 'strictly decreasing in N',
      measured: ns.map((n, i) => `N=${n}: ${curve[i]!.toFixed(2)}`).join(', '),
      holds: curve.every((c, i) => Number.isFinite(c) && (i === 0 || c < curve[i - 1]!)),
    })
  }
  const sizes = config.collapse.batchSizes
  const small = collapseStyleBlock(config, runs, sizes[0]!)
  const large = collapseStyleBlock(config, runs, sizes[sizes.length - 1]!)
  claims.push({
    id: 'larger-batch-no-stronger-collapse',
    description: `Part B (d_c = ${config.collapse.contentDims}, same steps): "increasing M can help CL" — the style block of W·A_g at the largest batch is at least the one at the smallest`,
    expected: `style block at N = ${sizes[sizes.length - 1]} ≥ at N = ${sizes[0]}`,
    measured: sizes.map((n) => `N=${n}: ${collapseStyleBlock(config, runs, n).toFixed(3)}`).join(', '),
    holds: Number.isFinite(small) && Number.isFinite(large) && large >= small,
  })
  return claims
}
