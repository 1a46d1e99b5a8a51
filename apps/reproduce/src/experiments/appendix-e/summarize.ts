import type { ExperimentOutput } from '../experiment.js'
import { formatMeanStd, meanStd } from '../stats.js'
import { describeImageSetup } from '../table2/summarize.js'
import { appendixEClaims, type AppendixESeedResult } from './claims.js'
import type { AppendixEConfig } from './config.js'
import { appendixEFigures } from './figures.js'
import { APPENDIX_E_PAPER } from './presets.js'

/** Per-seed results → metrics, claims, the report table and the two figures. Exported for claim tests. */
export async function summarizeAppendixE(config: AppendixEConfig, results: readonly AppendixESeedResult[], options: { source: string }): Promise<ExperimentOutput> {
  const n = results.length
  const stat = (f: (r: AppendixESeedResult) => number) => ({ ...meanStd(results.map(f)), n })
  const width = results[0]?.width ?? 0
  const h = stat((r) => r.readoutH)
  const r = stat((x) => x.readoutR)
  const inside = stat((x) => x.insideMean)
  const outside = stat((x) => x.outsideMean)
  const reportMarkdown = [
    describeImageSetup(config, options.source),
    '',
    `DirectCLR-style: no projector, NT-Xent (ℓ2-normalised, τ = ${config.tau}) on the first d = ${config.lossDims} of the ${width} backbone dims; h = pooled input of the last residual block, r = h + conv(h) pooled (the backbone output).`,
    '',
    '| quantity | paper (ImageNet, ResNet-50, d = 360 of 2048) | ours |',
    '|---|---|---|',
    `| readout on h (%) | ${APPENDIX_E_PAPER.readoutH[0]} ± ${APPENDIX_E_PAPER.readoutH[1]} | ${formatMeanStd(h, 1)} |`,
    `| readout on r (%) | ${APPENDIX_E_PAPER.readoutR[0]} ± ${APPENDIX_E_PAPER.readoutR[1]} | ${formatMeanStd(r, 1)} |`,
    `| mean Σ\\|w\\| of last residual conv, channels < d | (Fig. 4: large) | ${formatMeanStd(inside, 4)} |`,
    `| mean Σ\\|w\\| of last residual conv, channels ≥ d | (Fig. 4: ≈ 0) | ${formatMeanStd(outside, 4)} |`,
    `| ‖r[:, d:] − h[:, d:]‖ / ‖h[:, d:]‖ (eq. 28) | 0 | ${Math.max(...results.map((x) => x.tailRelativeDifference)).toExponential(2)} (largest) |`,
    '',
    `Ours: mean ± std over ${n} seed${n === 1 ? ' (n = 1: no spread)' : 's'}; the paper's readouts are on ImageNet with DirectCLR's own training, not comparable in level.`,
  ].join('\n')
  return {
    metrics: { perSeed: results, readoutH: h, readoutR: r, insideMean: inside, outsideMean: outside, lossDims: config.lossDims, width, dataSource: options.source },
    paper: APPENDIX_E_PAPER as unknown as Record<string, unknown>,
    claims: appendixEClaims(results, config.lossDims),
    figures: await appendixEFigures(results, config.lossDims, config.backbone.arch, config.data.dataset),
    reportMarkdown,
  }
}
