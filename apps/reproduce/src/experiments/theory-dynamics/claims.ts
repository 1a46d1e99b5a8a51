import type { Claim } from '../experiment.js'
import { meanStd } from '../stats.js'
import type { TheoryDynamicsConfig } from './config.js'
import type { GradientKind } from './eq4-gradient.js'
import type { GradientSample } from './sweep.js'

type ErrorField = 'errorPopulation' | 'errorBatch' | 'errorOtherLimit'

/** Mean (over seeds and batches) of one error field for (scale, kind, M). */
export function meanError(samples: readonly GradientSample[], scale: number | null, kind: GradientKind, negatives: number, field: ErrorField): number {
  return meanStd(samples.filter((s) => s.scale === scale && s.kind === kind && s.negatives === negatives).map((s) => s[field])).mean
}

const f4 = (x: number) => x.toPrecision(3)

/**
 * The claims of Lemma 5 (Appx. C eq. 5/14), all at the smallest scale s of W = s·A⁻¹, where α_ij ≈ 1/(M+1):
 * the paper's gradient (negatives constant, eq. 7) approaches W[Σ_x − Σ_x̃] and full autodiff approaches W[2Σ_x − Σ_x̃]
 * (error small at the largest M and falling by a factor over the sweep); the paper's error falls monotonically in M;
 * each kind is closer to its own limit than to the other's; with the batch's own covariance estimates the uniform-α
 * formula is exact up to the tolerance; and the bias of non-uniform α (batch reading at the largest M) grows with s.
 */
export function theoryDynamicsClaims(config: TheoryDynamicsConfig, samples: readonly GradientSample[]): Claim[] {
  const c = config.claims
  const s0 = Math.min(...config.scales)
  const ms = config.negatives
  const mMin = ms[0]!
  const mMax = ms[ms.length - 1]!
  const limits: Record<GradientKind, string> = { paper: 'W[Σ_x − Σ_x̃]', full: 'W[2Σ_x − Σ_x̃]' }
  const claims: Claim[] = []
  for (const kind of ['paper', 'full'] as const) {
    const hi = meanError(samples, s0, kind, mMax, 'errorPopulation')
    const lo = meanError(samples, s0, kind, mMin, 'errorPopulation')
    claims.push({
      id: `${kind}-gradient-limit`,
      description: `${kind === 'paper' ? "the paper's gradient (eq. 7: negatives held constant)" : 'full autodiff of eq. (4)'} at W = ${s0}·A⁻¹ approaches ${limits[kind]} as M grows (per-anchor mean of eq. 4, population covariances)`,
      expected: `relative error at M = ${mMax} ≤ ${c.maxErrorAtLargest} and ≥ ${c.minImprovement}× below the one at M = ${mMin}`,
      measured: `${f4(hi)} at M = ${mMax}, ${f4(lo)} at M = ${mMin} (factor ${f4(lo / hi)})`,
      holds: hi <= c.maxErrorAtLargest && lo >= c.minImprovement * hi,
    })
  }
  const curve = ms.map((m) => meanError(samples, s0, 'paper', m, 'errorPopulation'))
  claims.push({
    id: 'paper-gradient-monotone',
    description: `the paper's gradient at W = ${s0}·A⁻¹: the mean relative error to W[Σ_x − Σ_x̃] decreases at every step of the M sweep`,
    expected: 'strictly decreasing in M',
    measured: ms.map((m, i) => `M=${m}: ${f4(curve[i]!)}`).join(', '),
    holds: curve.every((e, i) => i === 0 || e < curve[i - 1]!),
  })
  const own = (kind: GradientKind) => meanError(samples, s0, kind, mMax, 'errorPopulation')
  const other = (kind: GradientKind) => meanError(samples, s0, kind, mMax, 'errorOtherLimit')
  claims.push({
    id: 'negatives-double-marginal-term',
    description: `at M = ${mMax}, W = ${s0}·A⁻¹: full autodiff follows W[2Σ_x − Σ_x̃], not the paper's W[Σ_x − Σ_x̃] (the negatives' own gradient doubles the marginal term); the paper's gradient follows W[Σ_x − Σ_x̃]`,
    expected: 'each kind closer to its own limit than to the other one',
    measured: `full: ${f4(own('full'))} to W[2Σ_x − Σ_x̃] vs ${f4(other('full'))} to W[Σ_x − Σ_x̃]; paper: ${f4(own('paper'))} vs ${f4(other('paper'))}`,
    holds: own('full') < other('full') && own('paper') < other('paper'),
  })
  const batchWorst = Math.max(...ms.flatMap((m) => (['paper', 'full'] as const).map((kind) => meanError(samples, s0, kind, m, 'errorBatch'))))
  claims.push({
    id: 'batch-reading-exact',
    description: `with the batch's own estimates Ŝ_x, Σ̂_x̃ the gradient at W = ${s0}·A⁻¹ equals (M/(M+1))·W[k·Ŝ_x − Σ̂_x̃] (k = 1 paper, 2 full) at every M: what is left of the population error is sampling error`,
    expected: `relative error ≤ ${c.batchReadingTolerance} at every M, both kinds`,
    measured: `largest mean error ${f4(batchWorst)}`,
    holds: batchWorst <= c.batchReadingTolerance,
  })
  const scales = [...config.scales].sort((a, b) => a - b)
  const floor = scales.map((s) => meanError(samples, s, 'paper', mMax, 'errorBatch'))
  claims.push({
    id: 'bias-floor-grows-with-scale',
    description: `α_ij → 1/M needs small ‖z_i − z_j‖: at M = ${mMax} the deviation from the uniform-α value (batch reading, paper's gradient) grows with the scale s of W = s·A⁻¹`,
    expected: 'strictly increasing in s',
    measured: scales.map((s, i) => `s=${s}: ${f4(floor[i]!)}`).join(', '),
    holds: scales.length >= 2 && floor.every((e, i) => i === 0 || e > floor[i - 1]!),
  })
  return claims
}
