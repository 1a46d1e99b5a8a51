import { describeDgp, dgpReportLine } from '../experiment-dgp.js'
import type { ExperimentOutput, UserDgp } from '../experiment.js'
import { formatMeanStd } from '../stats.js'
import type { SpaceKind } from '../synthetic.js'
import { aggregateTable1, table1Claims } from './claims.js'
import type { Table1Config } from './config.js'
import { table1Figures } from './figures.js'
import { TABLE1_PAPER } from './presets.js'
import { SPACES, TERMS, type SeedResult } from './run.js'

/** The paper's DGP of Table 1, in words. */
export function table1PaperDgp(config: Table1Config): string {
  return `paper §4.1 nonlinear DGP: uniform marginal, δ content, normal style σ_s = ${config.box.sigma} (box) / vMF κ = ${config.sphere.kappa} (sphere), ${config.generator.layers}-layer invertible MLP g`
}

/** Turn per-seed results into metrics, claims, the report table and the figure. Exported for claim tests. */
export async function summarize(config: Table1Config, results: Record<SpaceKind, SeedResult[]>, options: { userDgp?: UserDgp } = {}): Promise<ExperimentOutput> {
  const dgp = describeDgp(options.userDgp, table1PaperDgp(config))
  const ours = aggregateTable1(results)
  const row = (label: string, v: (space: SpaceKind, term: (typeof TERMS)[number]) => string) =>
    `| ${label} | ${SPACES.flatMap((s) => TERMS.map((t) => v(s, t))).join(' | ')} |`
  const paperCell = (model: 'gInverse' | 'infonce') => (s: SpaceKind, t: (typeof TERMS)[number]) => `${TABLE1_PAPER[s][model][t][0].toFixed(2)} ± ${TABLE1_PAPER[s][model][t][1].toFixed(2)}`
  const ourCell = (model: 'gInverse' | 'trained') => (s: SpaceKind, t: (typeof TERMS)[number]) => formatMeanStd(ours[s][model][t])
  const seeds = results.box.length
  const reportMarkdown = [
    dgpReportLine(dgp),
    '',
    `Loss on ${config.evalSamples} samples, τ = ${config.tau}, d = ${config.dims}; box d_c = ${config.box.contentDims} (σ_s = ${config.box.sigma}), sphere d_c = ${config.sphere.contentDims} (vMF κ = ${config.sphere.kappa}).`,
    `Encoder widths ${config.encoder.hiddenWidths.join('-')}, ${config.train.steps} Adam steps (lr ${config.train.learningRate}, batch ${config.train.batchSize}); ours: mean ± std over ${seeds} seed${seeds === 1 ? ' (n = 1: no spread)' : 's'}.`,
    '',
    '| model | box L_align | box L_uniform | box L_CL | sphere L_align | sphere L_uniform | sphere L_CL |',
    '|---|---|---|---|---|---|---|',
    row('f = g⁻¹ (paper)', paperCell('gInverse')),
    row('f = g⁻¹ (ours)', ourCell('gInverse')),
    row('f_InfoNCE (paper)', paperCell('infonce')),
    row('f_InfoNCE (ours)', ourCell('trained')),
  ].join('\n')
  return {
    metrics: { dgp, ours, perSeed: results },
    paper: TABLE1_PAPER as unknown as Record<string, unknown>,
    claims: table1Claims(results, ours),
    figures: await table1Figures(ours, seeds, config.evalSamples),
    reportMarkdown,
  }
}
