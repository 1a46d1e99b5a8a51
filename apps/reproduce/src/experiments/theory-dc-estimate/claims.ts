import type { Claim } from '../experiment.js'
import { meanStd } from '../stats.js'
import type { SpaceKind } from '../synthetic.js'
import type { TheoryDcEstimateConfig } from './config.js'
import type { DcEstimateRun } from './run.js'

const mean = (xs: readonly number[]) => meanStd(xs).mean

/** Which estimate of a run: `split` (ρ_k of the align/uniform split), `literal` (σ_k(∂L/∂W)). */
export type Reading = 'split' | 'literal'

/** The estimate of one reading. */
export function estimateOf(r: DcEstimateRun, reading: Reading): number {
  return reading === 'split' ? r.estimate : r.literalEstimate
}

/** Fraction of runs whose estimate (see {@link Reading}) equals `target` (NaN if none). */
export function fractionEqual(runs: readonly DcEstimateRun[], target: (r: DcEstimateRun) => number, reading: Reading = 'split'): number {
  if (runs.length === 0) return Number.NaN
  return runs.filter((r) => estimateOf(r, reading) === target(r)).length / runs.length
}

/** The main-sweep runs of one space, with the per-cell measures the claims, report and figures read. */
export function sweepMeasures(config: TheoryDcEstimateConfig, runs: readonly DcEstimateRun[], space: SpaceKind) {
  const main = runs.filter((r) => r.sweep === 'main' && r.space === space)
  const cell = (dc: number, ratio: number) => main.filter((r) => r.contentDims === dc && (dc === 0 || r.ratio === ratio))
  const withContent = (ratio: number) => main.filter((r) => r.contentDims >= 1 && r.ratio === ratio)
  const exact = (r: DcEstimateRun) => r.contentDims
  /** Fraction exact (estimate = true d_c) in one (d_c, ratio) cell. */
  const accuracy = (dc: number, ratio: number, reading: Reading = 'split') => fractionEqual(cell(dc, ratio), exact, reading)
  /** Fraction exact over every d_c ≥ 1 at one ratio. */
  const pooledAccuracy = (ratio: number, reading: Reading = 'split') => fractionEqual(withContent(ratio), exact, reading)
  /** Mean margin (nats) over every d_c ≥ 1 and draw at one ratio. */
  const meanMargin = (ratio: number) => mean(withContent(ratio).map((r) => r.margin))
  /** Mean realised σ_c/σ_s of the latents over d_c ≥ 1 at one nominal ratio. */
  const meanEffectiveRatio = (ratio: number) => mean(withContent(ratio).flatMap((r) => (r.effectiveRatio === null ? [] : [r.effectiveRatio])))
  /** The smallest swept σ_c/σ_s where the pooled accuracy (d_c ≥ 1) is below 1; null if it never is. */
  const breakdownRatio = (): number | null => config.ratios.find((ratio) => withContent(ratio).length > 0 && pooledAccuracy(ratio) < 1) ?? null
  const contentDims = config.contentDims.filter((k) => k >= 1)
  return { main, cell, withContent, accuracy, pooledAccuracy, meanMargin, meanEffectiveRatio, breakdownRatio, contentDims }
}

/**
 * The claims of `theory-dc-estimate` per space (Lemma 7, Prop. 2): exact at δ content for every d_c ≥ 1; 0 without
 * content; accuracy ≥ level for σ_c/σ_s ≤ the configured ratio; the mean margin strictly decreasing along the σ_c/σ_s
 * sweep; no spurious split at σ_c = σ_s; and Prop. 2 read literally (singular values of ∂L/∂W) at δ content.
 */
export function theoryDcEstimateClaims(config: TheoryDcEstimateConfig, runs: readonly DcEstimateRun[]): Claim[] {
  const c = config.claims
  const f2 = (x: number) => x.toFixed(2)
  const f3 = (x: number) => x.toFixed(3)
  const claims: Claim[] = []
  for (const space of config.spaces) {
    const m = sweepMeasures(config, runs, space)
    if (m.main.length === 0) continue
    const delta = m.withContent(0)
    const deltaExact = delta.filter((r) => r.estimate === r.contentDims).length
    const deltaWrong = delta.filter((r) => r.estimate !== r.contentDims).map((r) => `d_c = ${r.contentDims} seed ${r.seed} → ${r.estimate}`)
    claims.push({
      id: `${space}-delta-exact`,
      description: `${space}, δ content (σ_c = 0, the paper's setting): the estimate equals the true d_c for every d_c ≥ 1 and draw`,
      expected: 'every run exact',
      measured: `${deltaExact}/${delta.length} exact, min margin ${f2(Math.min(...delta.map((r) => r.margin)))} nats${deltaWrong.length > 0 ? `; wrong: ${deltaWrong.slice(0, 4).join(', ')}` : ''}`,
      holds: delta.length > 0 && deltaExact === delta.length,
    })
    const none = m.cell(0, 0)
    const noneZero = none.filter((r) => r.estimate === 0).length
    claims.push({
      id: `${space}-no-content-zero`,
      description: `${space}, d_c = 0 (style only): the estimate is 0 (no content/style split) in every run`,
      expected: 'every run 0',
      measured: `${noneZero}/${none.length} runs 0 (mean margin ${f2(mean(none.map((r) => r.margin)))} nats)`,
      holds: none.length > 0 && noneZero === none.length,
    })
    const upTo = config.ratios.filter((r) => r <= c.accuracyUpToRatio)
    const cells = upTo.flatMap((ratio) => m.contentDims.map((dc) => ({ ratio, dc, accuracy: m.accuracy(dc, ratio) })))
    const worst = cells.reduce<(typeof cells)[number] | undefined>((w, x) => (w === undefined || x.accuracy < w.accuracy ? x : w), undefined)
    claims.push({
      id: `${space}-accuracy-up-to-ratio`,
      description: `${space}: the estimate is exact in at least ${c.accuracyLevel} of the draws of every (d_c ≥ 1, σ_c/σ_s ≤ ${c.accuracyUpToRatio}) cell`,
      expected: `accuracy ≥ ${c.accuracyLevel} in every cell`,
      measured: worst === undefined ? 'no cell' : `lowest ${f2(worst.accuracy)} at d_c = ${worst.dc}, σ_c/σ_s = ${worst.ratio} (pooled per ratio: ${upTo.map((r) => `${r}: ${f2(m.pooledAccuracy(r))}`).join(', ')})`,
      holds: cells.length > 0 && cells.every((x) => x.accuracy >= c.accuracyLevel),
    })
    const margins = config.ratios.map((ratio) => m.meanMargin(ratio))
    claims.push({
      id: `${space}-margin-decreases`,
      description: `${space}: the mean margin (over d_c ≥ 1 and draws) strictly decreases along the σ_c/σ_s sweep (Lemma 7: the gap is ln(σ_s²/σ_c²))`,
      expected: 'strictly decreasing',
      measured: config.ratios.map((r, i) => `${r}: ${f2(margins[i]!)}`).join(', '),
      holds: margins.every((v) => Number.isFinite(v)) && margins.every((v, i) => i === 0 || v < margins[i - 1]!),
    })
    const equal = m.withContent(1)
    const equalZero = fractionEqual(equal, () => 0)
    claims.push({
      id: `${space}-equal-sigma-no-split`,
      description: `${space}, σ_c = σ_s (no content/style difference): the estimate is 0 (no spurious split)`,
      expected: `fraction 0 ≥ ${c.equalSigmaZeroRate}`,
      measured: `${f3(equalZero)} of ${equal.length} runs`,
      holds: equal.length > 0 && equalZero >= c.equalSigmaZeroRate,
    })
    const literal = fractionEqual(delta, (r) => r.contentDims, 'literal')
    const literalAnswers = [...new Set(delta.map((r) => r.literalEstimate))].sort((a, b) => a - b)
    claims.push({
      id: `${space}-literal-gradient`,
      description: `${space}, δ content: Prop. 2 read literally — the singular values of ∂L/∂W (under the mixing A of g) recover d_c`,
      expected: `fraction exact ≥ ${c.literalRate}`,
      measured: `${f3(literal)} of ${delta.length} runs (estimates seen: ${literalAnswers.join(', ')})`,
      holds: delta.length > 0 && literal >= c.literalRate,
    })
  }
  return claims
}
