import type { Claim } from '../experiment.js'
import { formatMeanStd, meanStd } from '../stats.js'
import { TABLE2_LABELS, TABLE2_PAPER, TABLE2_VARIANTS, type Table2VariantId } from './presets.js'

/** One trained model's readout test accuracies in % (after = projector output, before = backbone features). */
export interface Table2SeedResult {
  readonly seed: number
  readonly after: number
  readonly before: number
  readonly lossHistory: [number, number][]
  readonly trainSeconds: number
}

export type Table2Results = Record<Table2VariantId, Table2SeedResult[]>

export interface CellStats {
  mean: number
  std: number
  n: number
}
export type Table2Ours = Record<Table2VariantId, { after: CellStats; before: CellStats }>

/** Table 2 cells: mean ± sample std over seeds of the after / before readout accuracies (%). */
export function aggregateTable2(results: Table2Results): Table2Ours {
  const cell = (v: Table2VariantId, which: 'after' | 'before'): CellStats => ({ ...meanStd(results[v].map((r) => r[which])), n: results[v].length })
  return Object.fromEntries(TABLE2_VARIANTS.map((v) => [v, { after: cell(v, 'after'), before: cell(v, 'before') }])) as Table2Ours
}

/**
 * Pre-registered thresholds (fixed before any run, see docs/images/table2.md):
 * - "well above chance" = at least {@link CHANCE_MULTIPLE}× the chance accuracy 100/K %;
 * - "does not change the after-projector readout" = |Δ mean| ≤ {@link NO_NORM_TOLERANCE} percentage points (the
 *   paper's two means are equal, 91.4 vs 91.4, with stds 0.5 and 0.6).
 */
export const CHANCE_MULTIPLE = 5
export const NO_NORM_TOLERANCE = 1

const pct = (c: CellStats) => (c.n === 1 ? `${c.mean.toFixed(1)} % (n = 1)` : `${formatMeanStd(c, 1)} %`)
const paperPct = (v: [number, number]) => `${v[0].toFixed(1)} ± ${v[1].toFixed(1)} %`

/**
 * The claims of §4.2 / Table 2, comparing means over seeds:
 * 1. every readout (each variant, seed, after and before) is ≥ 5× chance, and (2.) for the regular model the readout before the projector beats the one after;
 * 3. before > after for each variant; 4. diff. τ raises the after-projector readout over w/o norm; 5. diff. τ raises the
 * before-projector readout over regular; 6. removing the ℓ2-normalisation changes the after-projector readout by at
 * most 1 point ("does not improve the linear readout accuracy").
 */
export function table2Claims(results: Table2Results, ours: Table2Ours, numClasses: number): Claim[] {
  const chance = 100 / numClasses
  const floor = CHANCE_MULTIPLE * chance
  const all = TABLE2_VARIANTS.flatMap((v) => results[v].flatMap((r) => [r.after, r.before]))
  const lowest = Math.min(...all)
  const perVariant = TABLE2_VARIANTS.map((v) => `${TABLE2_LABELS[v]} ${ours[v].before.mean.toFixed(1)} vs ${ours[v].after.mean.toFixed(1)}`)
  const delta = ours['wo-norm'].after.mean - ours.regular.after.mean
  return [
    {
      id: 'above-chance',
      description: `every readout accuracy (after and before, each variant and seed) is at least ${CHANCE_MULTIPLE}× chance`,
      expected: `≥ ${floor.toFixed(1)} % (chance ${chance.toFixed(1)} %, ${numClasses} classes)`,
      measured: `lowest ${lowest.toFixed(1)} %`,
      holds: all.every((a) => a >= floor),
    },
    {
      id: 'regular-before-beats-after',
      description: 'regular SimCLR: the readout before the projector beats the one after it',
      expected: `before > after (paper: ${paperPct(TABLE2_PAPER.regular.before)} > ${paperPct(TABLE2_PAPER.regular.after)})`,
      measured: `${pct(ours.regular.before)} vs ${pct(ours.regular.after)}`,
      holds: ours.regular.before.mean > ours.regular.after.mean,
    },
    {
      id: 'every-variant-before-beats-after',
      description: 'for each variant the readout before the projector beats the one after it',
      expected: 'before > after for all three rows (paper: +1.6, +1.1, +0.7 points)',
      measured: perVariant.join('; '),
      holds: TABLE2_VARIANTS.every((v) => ours[v].before.mean > ours[v].after.mean),
    },
    {
      id: 'diff-tau-improves-after',
      description: 'w/o norm + diff. τ: higher readout after the projector than w/o norm',
      expected: `after(diff. τ) > after(w/o norm) (paper: ${paperPct(TABLE2_PAPER['wo-norm-diff-tau'].after)} > ${paperPct(TABLE2_PAPER['wo-norm'].after)})`,
      measured: `${pct(ours['wo-norm-diff-tau'].after)} vs ${pct(ours['wo-norm'].after)}`,
      holds: ours['wo-norm-diff-tau'].after.mean > ours['wo-norm'].after.mean,
    },
    {
      id: 'diff-tau-improves-before',
      description: 'w/o norm + diff. τ: higher readout before the projector than regular',
      expected: `before(diff. τ) > before(regular) (paper: ${paperPct(TABLE2_PAPER['wo-norm-diff-tau'].before)} > ${paperPct(TABLE2_PAPER.regular.before)})`,
      measured: `${pct(ours['wo-norm-diff-tau'].before)} vs ${pct(ours.regular.before)}`,
      holds: ours['wo-norm-diff-tau'].before.mean > ours.regular.before.mean,
    },
    {
      id: 'no-norm-after-unchanged',
      description: 'removing the ℓ2-normalisation does not change the after-projector readout (§4.2: "does not improve")',
      expected: `|after(w/o norm) − after(regular)| ≤ ${NO_NORM_TOLERANCE} point (paper: 91.4 vs 91.4)`,
      measured: `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points (${pct(ours['wo-norm'].after)} vs ${pct(ours.regular.after)})`,
      holds: Math.abs(delta) <= NO_NORM_TOLERANCE,
    },
  ]
}
