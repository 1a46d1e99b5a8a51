import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { meanStd, seedCountLabel } from '../stats.js'
import { collapseStyleBlock, meanLogCondition } from './claims.js'
import type { CollapseRun } from './collapse.js'
import type { TheoryBatchRankConfig } from './config.js'
import type { ConditioningSample, RankSample } from './gradient-rank.js'
import { derivedRankBound } from './rank.js'

const SERIES = ['measured (full ∂L/∂W)', 'measured (paper, eq. 7)', 'bound min(d, N − 1 + min(N, d_s))', 'paper: N = M + 1']

/** Rank of ∂L/∂W vs batch size, one panel per d_c: measured (mean over batches) and both bounds. */
export function rankSpec(config: TheoryBatchRankConfig, ranks: readonly RankSample[]): TopLevelSpec {
  const d = config.dims
  const values = config.rank.contentDims.flatMap((dc) =>
    config.rank.batchSizes.flatMap((n) => {
      const g = ranks.filter((r) => r.contentDims === dc && r.batchSize === n)
      if (g.length === 0) return []
      const panel = `d_c = ${dc} (d_s = ${d - dc})`
      return [
        { panel, n, series: SERIES[0], rank: meanStd(g.map((r) => r.rankFull)).mean },
        { panel, n, series: SERIES[1], rank: meanStd(g.map((r) => r.rankPaper)).mean },
        { panel, n, series: SERIES[2], rank: derivedRankBound(d, n, d - dc) },
        { panel, n, series: SERIES[3], rank: n },
      ]
    }),
  )
  const bySeries = (range: readonly unknown[]) => ({ field: 'series', type: 'nominal', title: null, sort: SERIES, scale: { domain: SERIES, range: range.slice(0, SERIES.length) } }) as const
  return {
    title: { text: 'Lemma 6: rank of ∂L/∂W vs batch size', subtitle: `W = ${config.rank.scale}·A⁻¹, d = ${d}, rank = #σ > ${config.rank.tolerance}·σ_1 (float64), mean over batches` },
    data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 30,
      height: 120,
      encoding: {
        x: { field: 'n', type: 'quantitative', title: 'batch size N = M + 1', scale: { type: 'log', base: 2 }, axis: { format: 'd', grid: false } },
        y: { field: 'rank', type: 'quantitative', title: 'rank', scale: { domain: [0, d + 1] } },
        color: bySeries(SERIES_COLORS),
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.3 }, encoding: { strokeDash: bySeries(SERIES_DASHES) } },
        { mark: { type: 'point', filled: false, size: 22 }, encoding: { shape: bySeries(SERIES_SHAPES) } },
      ],
    },
  }
}

/** Mean log10 condition number vs batch size: the gradient and the covariance estimate. */
export function conditioningSpec(config: TheoryBatchRankConfig, samples: readonly ConditioningSample[]): TopLevelSpec {
  const series = ['∂L/∂W (full)', 'Ŝ_x']
  const values = config.conditioning.batchSizes.flatMap((n) => [
    { n, series: series[0], value: meanLogCondition(samples, n, 'logConditionGradient') },
    { n, series: series[1], value: meanLogCondition(samples, n, 'logConditionMarginal') },
  ])
  const bySeries = (range: readonly unknown[]) => ({ field: 'series', type: 'nominal', title: null, sort: series, scale: { domain: series, range: range.slice(0, series.length) } }) as const
  return {
    title: { text: 'Lemma 6: conditioning vs batch size', subtitle: `d_c = ${config.conditioning.contentDims}, mean over batches` },
    data: { values },
    width: FIGURE_WIDTH,
    height: 150,
    encoding: {
      x: { field: 'n', type: 'quantitative', title: 'batch size N = M + 1', scale: { type: 'log', base: 2 }, axis: { values: config.conditioning.batchSizes, format: 'd', grid: false } },
      y: { field: 'value', type: 'quantitative', title: 'log10 σ_1/σ_d' },
      color: bySeries(SERIES_COLORS),
    },
    layer: [{ mark: { type: 'line', strokeWidth: 1.4 } }, { mark: { type: 'point', filled: false, size: 24 }, encoding: { shape: bySeries(SERIES_SHAPES) } }],
  }
}

/** Part B: style block of W·A_g vs training batch size (mean over seeds). */
export function collapseSpec(config: TheoryBatchRankConfig, runs: readonly CollapseRun[]): TopLevelSpec {
  const values = config.collapse.batchSizes.map((n) => ({ n, value: collapseStyleBlock(config, runs, n) })).filter((v) => Number.isFinite(v.value))
  const seeds = new Set(runs.map((r) => r.seed)).size
  return {
    title: { text: 'Collapse strength vs batch size', subtitle: `d_c = ${config.collapse.contentDims}, ${config.collapse.train.steps} steps, ${seedCountLabel(seeds)}` },
    data: { values },
    width: FIGURE_WIDTH,
    height: 150,
    encoding: {
      x: { field: 'n', type: 'quantitative', title: 'training batch size N', scale: { type: 'log', base: 2 }, axis: { values: config.collapse.batchSizes, format: 'd', grid: false } },
      y: { field: 'value', type: 'quantitative', title: 'style block of W·A_g', scale: { domain: [0, 1] } },
    },
    layer: [{ mark: { type: 'line', strokeWidth: 1.4, color: '#000000' } }, { mark: { type: 'point', filled: false, size: 28, color: '#000000' } }],
  }
}

export async function theoryBatchRankFigures(config: TheoryBatchRankConfig, ranks: readonly RankSample[], conditioning: readonly ConditioningSample[], runs: readonly CollapseRun[]): Promise<Figure[]> {
  return [
    await renderFigure('theory-batch-rank-rank', 'Numerical rank of ∂L/∂W vs batch size per d_c, with the paper’s bound N and the bound min(d, N − 1 + min(N, d_s))', rankSpec(config, ranks)),
    await renderFigure('theory-batch-rank-conditioning', 'Mean log10 condition number of ∂L/∂W and of Ŝ_x vs batch size', conditioningSpec(config, conditioning)),
    await renderFigure('theory-batch-rank-collapse', 'Style block (mean of the d_s smallest normalised singular values) of W·A_g after training vs batch size', collapseSpec(config, runs)),
  ]
}
