import type { Claim } from '../experiment.js'
import { meanStd } from '../stats.js'
import { FIG2_VARIANTS, type Fig2VariantId } from './presets.js'
import type { SpectrumSummary } from './spectrum.js'

/** One trained model: spectra of the test-set representations after and before the projector. */
export interface Fig2SeedResult {
  readonly seed: number
  readonly after: SpectrumSummary
  readonly before: SpectrumSummary
  readonly lossHistory: [number, number][]
  readonly trainSeconds: number
}

export type Fig2Results = Record<Fig2VariantId, Fig2SeedResult[]>

/** Mean over seeds of a spectrum measure. */
function mean(results: readonly Fig2SeedResult[], f: (r: Fig2SeedResult) => number): number {
  return meanStd(results.map(f)).mean
}

/** Per-variant means of the collapse measures (for the report and the claims). */
export function aggregateFig2(results: Fig2Results) {
  return Object.fromEntries(
    FIG2_VARIANTS.map((v) => [
      v,
      {
        after: { effectiveRank: mean(results[v], (r) => r.after.effectiveRank), effectiveRankFraction: mean(results[v], (r) => r.after.effectiveRankFraction), belowMilli: mean(results[v], (r) => r.after.belowMilli), width: results[v][0]?.after.width ?? 0 },
        before: { effectiveRank: mean(results[v], (r) => r.before.effectiveRank), effectiveRankFraction: mean(results[v], (r) => r.before.effectiveRankFraction), belowMilli: mean(results[v], (r) => r.before.belowMilli), width: results[v][0]?.before.width ?? 0 },
      },
    ]),
  ) as Record<Fig2VariantId, Record<'after' | 'before', { effectiveRank: number; effectiveRankFraction: number; belowMilli: number; width: number }>>
}
export type Fig2Ours = ReturnType<typeof aggregateFig2>

/**
 * The claims of Fig. 2, on the pre-registered measure effective rank (exp entropy of the sum-normalised covariance
 * eigenvalues; means over seeds):
 * 1. w/o norm (standardised outputs) is less collapsed after the projector than regular: higher effective rank of the
 *    after-projector spectrum (same width);
 * 2. regular: the after-projector representation is more collapsed than the before-projector one, widths normalised:
 *    effective rank / width after < before.
 */
export function fig2Claims(ours: Fig2Ours): Claim[] {
  const r = ours.regular
  const w = ours['wo-norm']
  return [
    {
      id: 'wo-norm-less-collapsed-after',
      description: 'removing the ℓ2-normalisation (standardised outputs) reduces collapse after the projector',
      expected: 'effective rank after the projector: w/o norm > regular (Fig. 2 solid lines)',
      measured: `${w.after.effectiveRank.toFixed(2)} vs ${r.after.effectiveRank.toFixed(2)} of ${r.after.width}`,
      holds: w.after.effectiveRank > r.after.effectiveRank,
    },
    {
      id: 'regular-after-more-collapsed',
      description: 'regular: the representation after the projector is more collapsed than before it',
      expected: 'effective rank / width: after < before (Fig. 2 solid vs dashed)',
      measured: `${r.after.effectiveRankFraction.toFixed(3)} (${r.after.effectiveRank.toFixed(2)}/${r.after.width}) vs ${r.before.effectiveRankFraction.toFixed(3)} (${r.before.effectiveRank.toFixed(2)}/${r.before.width})`,
      holds: r.after.effectiveRankFraction < r.before.effectiveRankFraction,
    },
  ]
}
