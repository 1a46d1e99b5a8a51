import type { ExperimentOutput } from '../experiment.js'
import { describeImageSetup, projectionHead } from '../table2/summarize.js'
import { aggregateFig2, fig2Claims, type Fig2Results } from './claims.js'
import type { Fig2Config } from './config.js'
import { fig2Figures } from './figures.js'
import { FIG2_LABELS, FIG2_VARIANTS } from './presets.js'

/** The paper gives Fig. 2 as a plot only: no numbers to compare. */
export const FIG2_PAPER = { note: 'Fig. 2 is a plot (CIFAR-10, ResNet-50); the paper states: removing the ℓ2-normalisation reduces dimensionality collapse after the projector' }

/** Per-seed spectra → metrics, claims, the report table and the figure. Exported for claim tests. */
export async function summarizeFig2(config: Fig2Config, results: Fig2Results, options: { source: string }): Promise<ExperimentOutput> {
  const ours = aggregateFig2(results)
  const seeds = results.regular.length
  const rows = FIG2_VARIANTS.flatMap((v) =>
    (['after', 'before'] as const).map((w) => {
      const o = ours[v][w]
      return `| ${FIG2_LABELS[v]} | ${w} p. | ${o.width} | ${o.effectiveRank.toFixed(2)} | ${o.effectiveRankFraction.toFixed(3)} | ${o.belowMilli.toFixed(1)} |`
    }),
  )
  const reportMarkdown = [
    describeImageSetup(config, options.source),
    '',
    `Projection head ${projectionHead(config)}, NT-Xent τ = ${config.tau}. Spectra: covariance of the ${config.data.readoutTestImages} test representations (eval mode, un-augmented); ` +
      '"after" = the projector output as the loss sees it (ℓ2-normalised for regular; standardised with running statistics for w/o norm), "before" = backbone features; eigenvalues divided by their sum, sorted.',
    '',
    '| model | representation | width | effective rank | effective rank / width | eigenvalues < 10⁻³ λ_max |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Means over ${seeds} seed${seeds === 1 ? '' : 's'}. The paper shows Fig. 2 as a plot only (CIFAR-10, ResNet-50): the w/o-norm after-projector spectrum decays much less than the regular one.`,
  ].join('\n')
  return {
    metrics: { ours, perSeed: results, dataSource: options.source },
    paper: FIG2_PAPER,
    claims: fig2Claims(ours),
    figures: await fig2Figures(results, config.data.dataset),
    reportMarkdown,
  }
}
