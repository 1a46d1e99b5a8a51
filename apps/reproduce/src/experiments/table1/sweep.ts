import type { SweepSupport } from '../experiment.js'
import type { SpaceKind } from '../synthetic.js'
import type { Table1Config } from './config.js'
import { SPACES, TERMS, type SeedResult } from './run.js'
import { summarize } from './summarize.js'

const TERM_LABEL = { align: 'L_align', uniform: 'L_uniform', total: 'L_CL' } as const
const MODEL_LABEL = { gInverse: 'g⁻¹', trained: 'f_InfoNCE' } as const

/** `metrics.perSeed` of a Table 1 result: the per-seed losses of every space, in seed order. */
function perSeedOf(metrics: Record<string, unknown>, at: string): Record<SpaceKind, SeedResult[]> {
  const perSeed = metrics.perSeed as Partial<Record<SpaceKind, SeedResult[]>> | undefined
  if (perSeed === undefined || SPACES.some((s) => !Array.isArray(perSeed[s]))) throw new TypeError(`${at}: table1 metrics without perSeed.box / perSeed.sphere`)
  return perSeed as Record<SpaceKind, SeedResult[]>
}

/**
 * Table 1 (§4.1) in a sweep: the scalars are the table's cells (L_align, L_uniform, L_CL of f = g⁻¹ and f_InfoNCE per
 * space, the mean over the run's seeds); seeds combine by concatenating each space's per-seed results in seed order and
 * summarising them as one `run --seeds K` does.
 */
export const table1Sweep: SweepSupport<Table1Config> = {
  scalars(metrics) {
    const perSeed = perSeedOf(metrics, 'table1 scalars')
    const out: Record<string, number> = {}
    for (const space of SPACES) {
      for (const model of ['gInverse', 'trained'] as const) {
        for (const term of TERMS) {
          const xs = perSeed[space].map((r) => r[model][term])
          out[`${space} ${TERM_LABEL[term]} (${MODEL_LABEL[model]})`] = xs.reduce((a, b) => a + b, 0) / xs.length
        }
      }
    }
    return out
  },
  async combineSeeds(config, metrics, options) {
    const all = metrics.map((m, i) => perSeedOf(m, `table1 combineSeeds, run ${i}`))
    const results = Object.fromEntries(SPACES.map((s) => [s, all.flatMap((r) => r[s])])) as Record<SpaceKind, SeedResult[]>
    return summarize(config, results, options.userDgp !== undefined ? { userDgp: options.userDgp } : {})
  },
  group: (scalar) => scalar.split(' ')[0]!,
}
