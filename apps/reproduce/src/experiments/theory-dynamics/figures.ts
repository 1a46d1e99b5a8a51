import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { meanStd } from '../stats.js'
import type { TheoryDynamicsConfig } from './config.js'
import type { GradientSample, PredictedSpectrum } from './sweep.js'
import { weightPoints } from './sweep.js'

const KIND_TITLE = { paper: "paper's gradient vs W[Σ_x − Σ_x̃]", full: 'full autodiff vs W[2Σ_x − Σ_x̃]' } as const

/** Fig. 1: mean relative error vs M (log-log), one line per W; solid = population covariances, dashed = batch estimates. */
export function errorVsNegativesSpec(config: TheoryDynamicsConfig, samples: readonly GradientSample[]): TopLevelSpec {
  const labels = weightPoints(config).map((p) => p.label)
  const readings = ['population Σ', 'batch estimates']
  const values = labels.flatMap((weights) =>
    (['paper', 'full'] as const).flatMap((kind) =>
      config.negatives.flatMap((m) => {
        const group = samples.filter((s) => s.weights === weights && s.kind === kind && s.negatives === m)
        if (group.length === 0) return []
        return [
          { weights, kind: KIND_TITLE[kind], negatives: m, reading: readings[0], error: meanStd(group.map((s) => s.errorPopulation)).mean },
          { weights, kind: KIND_TITLE[kind], negatives: m, reading: readings[1], error: Math.max(meanStd(group.map((s) => s.errorBatch)).mean, 1e-6) },
        ]
      }),
    ),
  )
  const byWeights = (range: readonly unknown[]) => ({ field: 'weights', type: 'nominal', title: null, sort: labels, scale: { domain: labels, range: range.slice(0, labels.length) } }) as const
  return {
    title: { text: 'Lemma 5: −∂L/∂W vs its M → ∞ limit', subtitle: 'relative Frobenius error, mean over batches and seeds' },
    data: { values },
    facet: { row: { field: 'kind', type: 'nominal', title: null, sort: Object.values(KIND_TITLE), header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 40,
      height: 140,
      encoding: {
        x: { field: 'negatives', type: 'quantitative', title: 'negatives M (batch N = M + 1)', scale: { type: 'log', base: 2 }, axis: { values: config.negatives, format: 'd', grid: false } },
        y: { field: 'error', type: 'quantitative', title: 'relative error', scale: { type: 'log' } },
        color: byWeights(SERIES_COLORS),
        detail: { field: 'reading' },
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.4 }, encoding: { strokeDash: { field: 'reading', type: 'nominal', title: null, sort: readings, scale: { domain: readings, range: [SERIES_DASHES[0]!, SERIES_DASHES[1]!] }, legend: { orient: 'top', symbolType: 'stroke', symbolStrokeColor: '#444' } } } },
        { mark: { type: 'point', filled: false, size: 22 }, encoding: { shape: byWeights(SERIES_SHAPES) } },
      ],
    },
  }
}

/** Fig. 2: singular values of −∂L/∂W at the largest M (points, mean over batches) and of the predicted limit (lines). */
export function singularValuesSpec(config: TheoryDynamicsConfig, samples: readonly GradientSample[], predicted: readonly PredictedSpectrum[]): TopLevelSpec {
  const labels = weightPoints(config).map((p) => p.label)
  const mMax = config.negatives[config.negatives.length - 1]!
  const values = labels.flatMap((weights) =>
    (['paper', 'full'] as const).flatMap((kind) => {
      const measured = samples.filter((s) => s.weights === weights && s.kind === kind && s.negatives === mMax && s.singularValues !== undefined)
      const pred = predicted.filter((p) => p.weights === weights && p.kind === kind)
      if (measured.length === 0 || pred.length === 0) return []
      return measured[0]!.singularValues!.flatMap((_, k) => [
        { weights, kind: KIND_TITLE[kind], index: k + 1, source: 'measured', value: meanStd(measured.map((s) => s.singularValues![k]!)).mean },
        { weights, kind: KIND_TITLE[kind], index: k + 1, source: 'predicted', value: meanStd(pred.map((p) => p.singularValues[k]!)).mean },
      ])
    }),
  )
  const byWeights = (range: readonly unknown[]) => ({ field: 'weights', type: 'nominal', title: null, sort: labels, scale: { domain: labels, range: range.slice(0, labels.length) } }) as const
  return {
    title: { text: `Singular values of −∂L/∂W at M = ${mMax}`, subtitle: 'lines: predicted limit; points: measured (mean over batches)' },
    data: { values },
    facet: { row: { field: 'kind', type: 'nominal', title: null, sort: Object.values(KIND_TITLE), header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 40,
      height: 140,
      encoding: {
        x: { field: 'index', type: 'quantitative', title: 'singular value index k', scale: { domain: [0.6, config.dims + 0.4], nice: false }, axis: { values: Array.from({ length: config.dims }, (_, i) => i + 1), format: 'd', grid: false } },
        y: { field: 'value', type: 'quantitative', title: 'σ_k', scale: { type: 'log' } },
        color: byWeights(SERIES_COLORS),
      },
      layer: [
        { transform: [{ filter: "datum.source === 'predicted'" }], mark: { type: 'line', strokeWidth: 1.2 } },
        { transform: [{ filter: "datum.source === 'measured'" }], mark: { type: 'point', filled: false, size: 26 }, encoding: { shape: byWeights(SERIES_SHAPES) } },
      ],
    },
  }
}

export async function theoryDynamicsFigures(config: TheoryDynamicsConfig, samples: readonly GradientSample[], predicted: readonly PredictedSpectrum[]): Promise<Figure[]> {
  return [
    await renderFigure('theory-dynamics-error', 'Relative error of −∂L/∂W (per-anchor mean of eq. 4) to its M → ∞ limit vs M; solid: population covariances, dashed: the batch’s own estimates', errorVsNegativesSpec(config, samples)),
    await renderFigure('theory-dynamics-singular-values', 'Predicted (lines) vs measured (points) singular values of −∂L/∂W at the largest M', singularValuesSpec(config, samples, predicted)),
  ]
}
