import { styleBlockMean } from '@cl/metrics'
import type { SweepSupport } from '../experiment.js'
import type { SpaceKind } from '../synthetic.js'
import { spaceMeasures } from './claims.js'
import type { Fig1SpectrumConfig } from './config.js'
import type { SpectrumRun } from './run.js'
import { summarizeSpectra } from './summarize.js'

const SPACES: readonly SpaceKind[] = ['box', 'sphere']

/** `metrics.runs` of a Fig. 1 left result. */
function runsOf(metrics: Record<string, unknown>, at: string): SpectrumRun[] {
  if (!Array.isArray(metrics.runs)) throw new TypeError(`${at}: fig1-spectrum metrics without runs`)
  return metrics.runs as SpectrumRun[]
}

/**
 * Fig. 1 left (§4.1) in a sweep. Scalars per space: the style block of W·A_g (mean of the d − d_c smallest normalised
 * σ) for every d_c of the τ_c = τ_s sweep, and the Prop. 3 distance of W to the d_c = 0 spectrum without and with τ_c
 * (sphere: without the ℓ2-normalisation). Seeds combine by concatenating the runs space by space, each in seed order —
 * the order a `run --seeds K` trains them in (space, then seed, then grid point) — and summarising them.
 */
export const fig1SpectrumSweep: SweepSupport<Fig1SpectrumConfig> = {
  scalars(metrics, config) {
    const runs = runsOf(metrics, 'fig1-spectrum scalars')
    const out: Record<string, number> = {}
    for (const space of SPACES) {
      const { inSpace, group, distance } = spaceMeasures(config, runs, space)
      if (inSpace.length === 0) continue
      for (const dc of config.contentDims) {
        const g = group(dc, 0, config.tauStyle)
        if (g.length === 0) continue
        const ds = config.dims - Math.max(dc, 1)
        out[`${space} d_c = ${dc}: style block W·A_g`] = g.reduce((a, r) => a + styleBlockMean(r.endToEnd, ds), 0) / g.length
      }
      const { contentDims: pdc, tauContent: ptc } = config.prop3
      const sigma = Math.max(...inSpace.filter((r) => r.contentDims === pdc).map((r) => r.contentSigma))
      const without = group(pdc, sigma, config.tauStyle)
      const withTau = group(pdc, sigma, ptc, space === 'sphere')
      if (without.length > 0) out[`${space} Prop. 3: |Δσ(W)|, τ_c = τ_s`] = distance(without)
      if (withTau.length > 0) out[`${space} Prop. 3: |Δσ(W)|, τ_c < τ_s`] = distance(withTau)
    }
    return out
  },
  async combineSeeds(config, metrics, options) {
    const all = metrics.flatMap((m, i) => runsOf(m, `fig1-spectrum combineSeeds, run ${i}`))
    const runs = SPACES.flatMap((space) => all.filter((r) => r.space === space))
    return summarizeSpectra(config, runs, options.userDgp !== undefined ? { userDgp: options.userDgp } : {})
  },
  group: (scalar) => scalar.split(' ')[0]!,
}
