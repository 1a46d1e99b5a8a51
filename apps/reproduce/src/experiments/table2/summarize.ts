import { resNetOutputDim } from '@cl/models'
import type { ExperimentOutput } from '../experiment.js'
import { resNetArch } from '../images/simclr-model.js'
import type { ImageExperimentConfig } from '../images/config.js'
import { formatMeanStd } from '../stats.js'
import { aggregateTable2, table2Claims, type Table2Results } from './claims.js'
import type { Table2Config } from './config.js'
import { table2Figures } from './figures.js'
import { TABLE2_LABELS, TABLE2_PAPER, TABLE2_VARIANTS } from './presets.js'

const OPTIMIZER_LABEL = { adam: 'Adam', lars: 'LARS', sgd: 'SGD' } as const

/** One line describing the data, model and training of a §4.2 config (report header). */
export function describeImageSetup(config: ImageExperimentConfig, source: string): string {
  const t = config.train
  return (
    `${config.data.dataset} (${source}): ${config.data.sslTrainImages} training images, readout fitted on ${config.data.readoutTrainImages} and scored on ${config.data.readoutTestImages} test images; ` +
    `SimCLR augmentation cropped to ${config.augment.size} px; ${config.backbone.arch} (CIFAR stem${config.backbone.zeroInitResidual ? ', zero-init residual' : ''}); ` +
    `${t.steps} ${OPTIMIZER_LABEL[t.optimizer]} steps of ${t.batchSize} images (lr ${t.learningRate}, ${t.optimizer === 'adam' ? '' : `momentum ${t.momentum}, `}weight decay ${t.weightDecay}, ${t.warmupSteps} warm-up steps, cosine over ${t.cosineSteps}).`
  )
}

/** Per-seed results → metrics, claims, the report table (paper vs ours) and the bar chart. Exported for claim tests. */
export async function summarizeTable2(config: Table2Config, results: Table2Results, options: { numClasses: number; source: string }): Promise<ExperimentOutput> {
  const ours = aggregateTable2(results)
  const seeds = results.regular.length
  const cell = (c: { mean: number; std: number; n: number }) => formatMeanStd(c, 1)
  const rows = TABLE2_VARIANTS.map((v) => {
    const p = TABLE2_PAPER[v]
    return `| ${TABLE2_LABELS[v]} | ${p.after[0].toFixed(1)} ± ${p.after[1].toFixed(1)} | ${p.before[0].toFixed(1)} ± ${p.before[1].toFixed(1)} | ${cell(ours[v].after)} | ${cell(ours[v].before)} |`
  })
  const half = Math.ceil(config.projector.outputDim / 2)
  const reportMarkdown = [
    describeImageSetup(config, options.source),
    '',
    `Projection head ${projectionHead(config)}; NT-Xent τ = ${config.tau} (regular, w/o norm); diff. τ: τ = ${config.diffTau.first} on projection dims 1–${half}, ${config.diffTau.rest} on ${half + 1}–${config.projector.outputDim}. ` +
      '"After" = the projector output as the loss sees it (ℓ2-normalised for regular, standardised for w/o norm), "before" = the backbone features; readout = L-BFGS logistic regression on frozen un-augmented features.',
    '',
    `| model | paper after p. | paper before p. | ours after p. | ours before p. |`,
    '|---|---|---|---|---|',
    ...rows,
    '',
    `Linear readout test accuracy in %; paper: CIFAR-10, ResNet-50, 3 seeds; ours: mean ± std over ${seeds} seed${seeds === 1 ? ' (n = 1: no spread)' : 's'}.`,
  ].join('\n')
  return {
    metrics: { ours, perSeed: results, numClasses: options.numClasses, dataSource: options.source },
    paper: TABLE2_PAPER as unknown as Record<string, unknown>,
    claims: table2Claims(results, ours, options.numClasses),
    figures: await table2Figures(ours, seeds, config.data.dataset),
    reportMarkdown,
  }
}

/** The projection head's widths, e.g. `64 → 64 → 32` (SimSiam projection_MLP: backbone D → D → projection). */
export function projectionHead(config: ImageExperimentConfig & { projector: { outputDim: number } }): string {
  const d = resNetOutputDim(resNetArch(config.backbone.arch))
  return `${d} → ${d} → ${config.projector.outputDim}`
}
