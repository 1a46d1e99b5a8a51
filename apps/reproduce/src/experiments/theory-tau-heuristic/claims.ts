import { styleBlockMean } from '@cl/metrics'
import type { Claim } from '../experiment.js'
import { meanStd } from '../stats.js'
import type { TheoryTauHeuristicConfig } from './config.js'
import { ratioMeasures, readingHolds, type RatioMeasures } from './measures.js'
import type { TauRun } from './run.js'

/** Short label of a number for claim ids and tables (3 significant digits). */
export function num(x: number): string {
  return String(Number(x.toPrecision(3)))
}

/**
 * The claims of the Prop. 3 sweep, thresholds from `config.claims` (fixed before running):
 * a precondition (the d_c = 0 reference trains flat), then per σ_c/σ_s (a) τ* < τ_s (Prop. 3's direction),
 * (b) the logits reading τ* ≈ σ_c/σ_s·τ_s and (c) the representation reading τ* ≈ (σ_c/σ_s)²·τ_s, each within a
 * factor F and with τ* bracketed by the grid (an argmin at the grid's edge is only a bound), and (d) the flattest run's W is closer to the d_c = 0 reference than the τ_c = τ_s run's by a margin.
 */
export function theoryTauHeuristicClaims(config: TheoryTauHeuristicConfig, runs: readonly TauRun[], measures: readonly RatioMeasures[] = ratioMeasures(config, runs)): Claim[] {
  const c = config.claims
  const f3 = (x: number) => x.toFixed(3)
  const reference = runs.filter((r) => r.contentDims === 0)
  const refFlat = meanStd(reference.map((r) => styleBlockMean(r.endToEnd, config.dims - 1))).mean
  const claims: Claim[] = [
    {
      id: 'reference-flat',
      description: 'd_c = 0: the reference trains to an uncollapsed (flat) end-to-end spectrum (precondition of the flatness measure)',
      expected: `mean of the ${config.dims - 1} smallest normalised σ of W·A_g ≥ ${c.referenceFlat}`,
      measured: Number.isFinite(refFlat) ? f3(refFlat) : 'no reference run',
      holds: refFlat >= c.referenceFlat,
    },
  ]
  const F = num(c.readingFactor)
  for (const m of measures) {
    const id = `ratio${num(m.ratio)}`
    const what = `σ_c/σ_s = ${num(m.ratio)}`
    const best = `τ* = ${num(m.bestTau)}${m.bestAtGridEdge ? ' at the grid edge (not bracketed)' : ''} (distance ${f3(m.best.distance)})`
    claims.push({
      id: `${id}-tau-below-style`,
      description: `${what}: the flattest τ_c lies below τ_s (Prop. 3's direction, τ_c < τ_s)`,
      expected: `τ* < τ_s = ${num(config.tauStyle)}`,
      measured: best,
      holds: m.bestTau < config.tauStyle,
    })
    for (const [reading, formula] of [['logits', 'σ_c/σ_s'], ['representation', '(σ_c/σ_s)²']] as const) {
      const r = m.readings[reading]
      claims.push({
        id: `${id}-${reading}-reading`,
        description: `${what}: Prop. 3 read on the ${reading === 'logits' ? 'logits (τ_c/τ_s = σ_c/σ_s)' : 'representation (content outputs scaled by τ_s·σ_s/σ_c, logit τ_c/τ_s = (σ_c/σ_s)²)'}: the flattest τ_c is near it`,
        expected: `τ* inside the grid and within a factor ${F} of ${formula}·τ_s = ${num(r.tau)}`,
        measured: `${best}; factor ${num(Math.exp(r.logDistance))}`,
        holds: readingHolds(m, reading, c.readingFactor),
      })
    }
    claims.push({
      id: `${id}-flattest-beats-equal-tau`,
      description: `${what}: the flattest run's W is closer to the d_c = 0 spectrum than the τ_c = τ_s run's`,
      expected: `distance(τ*) ≤ distance(τ_c = τ_s) − ${c.restoreMargin}`,
      measured: `${f3(m.best.distance)} vs ${f3(m.equal.distance)}`,
      holds: m.best.distance <= m.equal.distance - c.restoreMargin,
    })
  }
  return claims
}
