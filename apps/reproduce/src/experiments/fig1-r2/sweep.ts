import type { SweepSupport } from '../experiment.js'
import type { SpaceKind } from '../synthetic.js'
import { averageLayers } from './claims.js'
import { variantNames, type Fig1R2Config } from './config.js'
import type { LayerR2Run } from './run.js'
import { summarizeLayerR2 } from './summarize.js'

/** `metrics.runs` of a Fig. 1 middle/right result: one entry per (seed, variant), in seed order. */
function runsOf(metrics: Record<string, unknown>, at: string): LayerR2Run[] {
  if (!Array.isArray(metrics.runs)) throw new TypeError(`${at}: fig1-r2 metrics without runs`)
  return metrics.runs as LayerR2Run[]
}

/**
 * Fig. 1 middle / right (§4.1) in a sweep: the scalars are the output layer's adjusted R² of content and of style per
 * variant; seeds combine by concatenating the runs in seed order (the order a `run --seeds K` trains them in) and
 * summarising them with `summarizeLayerR2`.
 */
export function fig1R2Sweep(space: SpaceKind): SweepSupport<Fig1R2Config> {
  return {
    scalars(metrics, config) {
      const runs = runsOf(metrics, `fig1-r2-${space} scalars`)
      const out: Record<string, number> = {}
      for (const name of variantNames(config)) {
        const output = averageLayers(runs, name).at(-1)
        if (output === undefined) continue
        out[`${name}: content R²`] = output.content
        out[`${name}: style R²`] = output.style
      }
      return out
    },
    async combineSeeds(config, metrics, options) {
      const runs = metrics.flatMap((m, i) => runsOf(m, `fig1-r2-${space} combineSeeds, run ${i}`))
      return summarizeLayerR2(space, config, runs, options.userDgp !== undefined ? { userDgp: options.userDgp } : {})
    },
    group: (scalar) => (scalar.endsWith('content R²') ? 'content R² (output layer)' : 'style R² (output layer)'),
  }
}
