import { describeDgp, dgpReportLine, type DgpDescription } from '../experiment-dgp.js'
import type { ExperimentOutput, UserDgp } from '../experiment.js'
import type { SpaceKind } from '../synthetic.js'
import { averageLayers, averageSpectrum, fig1R2Claims, outputStyleBlock } from './claims.js'
import type { Fig1R2Config } from './config.js'
import { fig1R2Figures } from './figures.js'
import type { LayerR2Run } from './run.js'

/** The paper's DGP of Fig. 1 middle/right, in words (recorded as `metrics.dgp` when no user DGP is given). */
export function fig1R2PaperDgp(space: SpaceKind, config: Fig1R2Config): string {
  const conditional = space === 'box' ? `normal style σ_s = ${config.sigma}` : `vMF style κ = ${config.kappa}`
  return `paper §4.1 nonlinear DGP on the ${space === 'box' ? 'hyperbox' : 'hypersphere'}: uniform marginal, δ content, ${conditional}, ${config.generator.layers}-layer invertible MLP g`
}

/** Claims, report and figures from per-variant layer R². Exported for claim tests on constructed inputs. */
export async function summarizeLayerR2(space: SpaceKind, config: Fig1R2Config, runs: readonly LayerR2Run[], options: { userDgp?: UserDgp } = {}): Promise<ExperimentOutput> {
  const dgp: DgpDescription = describeDgp(options.userDgp, fig1R2PaperDgp(space, config))
  const baseLayers = averageLayers(runs, config.variants[0]!.name)
  const header = ['| variant | ' + baseLayers.map((l) => `${l.name} (${l.width})`).join(' | ') + ' |', '|---|' + baseLayers.map(() => '---').join('|') + '|']
  const rows = config.variants.map((v) => `| ${v.name} | ${averageLayers(runs, v.name).map((l) => `${l.content.toFixed(2)} / ${l.style.toFixed(2)}`).join(' | ')} |`)
  const spectrumRows = config.variants.map((v) => `| ${v.name} | ${averageSpectrum(runs, v.name).map((x) => x.toFixed(2)).join(' ')} | ${outputStyleBlock(config, runs, v.name).toFixed(3)} |`)
  return {
    metrics: { dgp, runs, meanLayers: Object.fromEntries(config.variants.map((v) => [v.name, averageLayers(runs, v.name)])) },
    paper: { claim: `Fig. 1 ${space === 'box' ? 'middle' : 'right'}: collapse only in the last layer when τ_c = τ_s; ${space === 'box' ? 'τ_c < τ_s alleviates it' : 'τ_c < τ_s and removing the ℓ2-normalisation alleviate it'} (qualitative)` },
    claims: fig1R2Claims(space, config, runs),
    figures: await fig1R2Figures(space, config, runs),
    reportMarkdown: [
      dgpReportLine(dgp),
      '',
      `d = ${config.dims}, d_c = ${config.contentDims}, encoder widths ${config.encoder.hiddenWidths.join('-')}-${config.dims}, ${config.train.steps} Adam steps (lr ${config.train.learningRate}, batch ${config.train.batchSize}); adjusted R² (p = layer width) on a held-out half of ${config.evalSamples} samples. Cells: content / style.`,
      '',
      ...header,
      ...rows,
      '',
      `Output covariance spectrum (normalised singular values, descending; last column: mean of the ${config.dims - config.contentDims} smallest = the style block). R² is invariant to the scale of a direction, the spectrum is not: a style direction that is shrunk but still present keeps its R².`,
      '',
      '| variant | normalised σ of the output | style block |',
      '|---|---|---|',
      ...spectrumRows,
    ].join('\n'),
  }
}
