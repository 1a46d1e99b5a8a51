import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { sweepMeasures } from './claims.js'
import type { TheoryDcEstimateConfig } from './config.js'
import type { DcEstimateRun } from './run.js'

const READINGS = ['ρ_k (align vs uniform)', 'σ_k(∂L/∂W) (literal)'] as const

/** "n = k draws" of the main sweep (each draw: its own g, encoder init and batch). */
function drawsLabel(runs: readonly DcEstimateRun[]): string {
  const n = new Set(runs.filter((r) => r.sweep === 'main').map((r) => r.seed)).size
  return `n = ${n} draw${n === 1 ? '' : 's'}`
}

function spaceEncoding(spaces: readonly string[]) {
  return { field: 'space', type: 'nominal', title: null, sort: [...spaces], scale: { domain: [...spaces], range: SERIES_COLORS.slice(1, 1 + spaces.length) } } as const
}

/** Fraction exact (d_c ≥ 1 pooled) vs σ_c/σ_s, per space and reading, with the expected breakdown at σ_c/σ_s = e^{−minGap/2}. */
export function accuracySpec(config: TheoryDcEstimateConfig, runs: readonly DcEstimateRun[]): TopLevelSpec {
  const values = config.spaces.flatMap((space) => {
    const m = sweepMeasures(config, runs, space)
    return config.ratios.flatMap((ratio) => [
      { space, ratio, accuracy: m.pooledAccuracy(ratio, 'split'), reading: READINGS[0] },
      { space, ratio, accuracy: m.pooledAccuracy(ratio, 'literal'), reading: READINGS[1] },
    ])
  }).filter((v) => Number.isFinite(v.accuracy))
  const expected = Math.exp(-config.minGap / 2)
  return {
    title: { text: 'Estimated d_c = true d_c', subtitle: `d_c ∈ {${config.contentDims.filter((k) => k >= 1).join(', ')}} pooled, N = ${config.batchSize}, ${drawsLabel(runs)}` },
    width: FIGURE_WIDTH,
    height: 150,
    layer: [
      { data: { values: [{ x: expected }] }, mark: { type: 'rule', color: '#888', strokeDash: [3, 3] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
      {
        data: { values },
        encoding: {
          x: { field: 'ratio', type: 'quantitative', title: 'σ_c / σ_s', scale: { domain: [0, 1] } },
          y: { field: 'accuracy', type: 'quantitative', title: 'fraction exact', scale: { domain: [0, 1] } },
          color: spaceEncoding(config.spaces),
        },
        layer: [
          {
            mark: { type: 'line', strokeWidth: 1.4 },
            encoding: {
              detail: { field: 'reading' },
              strokeDash: { field: 'reading', type: 'nominal', title: null, sort: [...READINGS], scale: { domain: [...READINGS], range: [SERIES_DASHES[0]!, SERIES_DASHES[1]!] }, legend: { orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolStrokeColor: '#444', symbolSize: 300 } },
            },
          },
          { mark: { type: 'point', filled: false, size: 24 }, encoding: { shape: { field: 'space', type: 'nominal', title: null, sort: [...config.spaces], scale: { domain: [...config.spaces], range: SERIES_SHAPES.slice(0, config.spaces.length) } } } },
        ],
      },
    ],
  }
}

/** Mean margin (nats, d_c ≥ 1 pooled) vs σ_c/σ_s per space; 0 separates found splits from "no split". */
export function marginSpec(config: TheoryDcEstimateConfig, runs: readonly DcEstimateRun[]): TopLevelSpec {
  const values = config.spaces.flatMap((space) => {
    const m = sweepMeasures(config, runs, space)
    return config.ratios.map((ratio) => ({ space, ratio, margin: m.meanMargin(ratio) }))
  }).filter((v) => Number.isFinite(v.margin))
  return {
    title: { text: 'Margin of the estimate', subtitle: `mean over d_c ≥ 1 and draws; < 0: no split found (gap < ln 4), ${drawsLabel(runs)}` },
    width: FIGURE_WIDTH,
    height: 150,
    layer: [
      { data: { values: [{ y: 0 }] }, mark: { type: 'rule', color: '#888', strokeDash: [3, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      {
        data: { values },
        encoding: {
          x: { field: 'ratio', type: 'quantitative', title: 'σ_c / σ_s', scale: { domain: [0, 1] } },
          y: { field: 'margin', type: 'quantitative', title: 'margin (nats)' },
          color: spaceEncoding(config.spaces),
        },
        layer: [
          { mark: { type: 'line', strokeWidth: 1.4 } },
          { mark: { type: 'point', filled: false, size: 24 }, encoding: { shape: { field: 'space', type: 'nominal', title: null, sort: [...config.spaces], scale: { domain: [...config.spaces], range: SERIES_SHAPES.slice(0, config.spaces.length) } } } },
        ],
      },
    ],
  }
}

/** |ρ_k| is floored here for the log axis: δ content gives float32 round-off (|ρ| ≲ 1e−6) or exact zeros. */
export const SPECTRUM_FLOOR = 1e-12

/** ρ_k (log y) of the first draw at d_c = example.contentDims, δ content vs σ_c = σ_s, one panel per space. */
export function exampleSpectrumSpec(config: TheoryDcEstimateConfig, runs: readonly DcEstimateRun[]): TopLevelSpec {
  const dc = config.example.contentDims
  const labels = ['δ content (σ_c = 0)', 'σ_c = σ_s'] as const
  const values = config.spaces.flatMap((space) =>
    ([0, 1] as const).flatMap((ratio, i) => {
      const r = runs.find((x) => x.sweep === 'main' && x.space === space && x.contentDims === dc && x.ratio === ratio)
      return r === undefined ? [] : r.rho.map((v, k) => ({ space, k: k + 1, rho: Math.max(Math.abs(v), SPECTRUM_FLOOR), run: `${labels[i]}, estimate ${r.estimate}` }))
    }),
  )
  const runLabels = [...new Set(values.map((v) => v.run))]
  return {
    title: { text: `Gradient spectrum, true d_c = ${dc}`, subtitle: `ρ_k: conditional/marginal variance ratio, content first (floored at ${SPECTRUM_FLOOR})` },
    data: { values },
    facet: { row: { field: 'space', type: 'nominal', title: null, sort: [...config.spaces], header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 50,
      height: 120,
      encoding: {
        x: { field: 'k', type: 'quantitative', title: 'component k', scale: { domain: [0.6, config.dims + 0.4], nice: false }, axis: { values: Array.from({ length: config.dims }, (_, i) => i + 1), format: 'd', grid: false } },
        y: { field: 'rho', type: 'quantitative', title: '|ρ_k|', scale: { type: 'log' } },
        color: { field: 'run', type: 'nominal', title: null, sort: runLabels, scale: { domain: runLabels, range: SERIES_COLORS.slice(0, runLabels.length) }, legend: { orient: 'bottom', direction: 'vertical' } },
      },
      layer: [{ mark: { type: 'line', strokeWidth: 1.4 } }, { mark: { type: 'point', filled: false, size: 24 } }],
    },
  }
}

/** The three figures of `theory-dc-estimate`, as SVG and PNG. */
export async function theoryDcEstimateFigures(config: TheoryDcEstimateConfig, runs: readonly DcEstimateRun[]): Promise<Figure[]> {
  return [
    await renderFigure('theory-dc-estimate-accuracy', 'Fraction of draws where the estimated d_c equals the true d_c vs σ_c/σ_s (solid: ρ_k of the gradient split; dashed: singular values of ∂L/∂W); dotted rule: expected breakdown e^{−minGap/2} = 0.5', accuracySpec(config, runs)),
    await renderFigure('theory-dc-estimate-margin', 'Mean margin of the estimate (chosen log-gap minus the next one; when no split: largest gap minus minGap) vs σ_c/σ_s', marginSpec(config, runs)),
    await renderFigure('theory-dc-estimate-spectrum', 'Example gradient spectrum ρ_k (log scale) for δ content and for σ_c = σ_s (first draw)', exampleSpectrumSpec(config, runs)),
  ]
}
