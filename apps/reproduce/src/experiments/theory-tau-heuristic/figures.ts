import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { meanStd, seedCountLabel } from '../stats.js'
import { num } from './claims.js'
import type { TheoryTauHeuristicConfig } from './config.js'
import { READINGS, readingTau, type RatioMeasures } from './measures.js'
import type { TauRun } from './run.js'

const ratioLabel = (ratio: number) => `σ_c/σ_s = ${num(ratio)}`
const readingLabel = { logits: 'logits: τ_c = σ_c/σ_s', representation: 'representation: τ_c = (σ_c/σ_s)²' } as const

/** Flatness (W's distance to the d_c = 0 spectrum) against τ_c, one line per σ_c/σ_s, rules at both readings. */
export function flatnessSpec(config: TheoryTauHeuristicConfig, measures: readonly RatioMeasures[], seeds: number): TopLevelSpec {
  const labels = measures.map((m) => ratioLabel(m.ratio))
  const points = measures.flatMap((m) => m.points.map((p) => ({ tau: p.tauContent / config.tauStyle, distance: p.distance, ratio: ratioLabel(m.ratio) })))
  const rules = measures.flatMap((m) => READINGS.map((r) => ({ tau: readingTau(r, m.ratio, config.tauStyle) / config.tauStyle, ratio: ratioLabel(m.ratio), reading: readingLabel[r] })))
  const byRatio = (range: readonly unknown[]) => ({ field: 'ratio', type: 'nominal', title: null, sort: labels, scale: { domain: labels, range: range.slice(0, labels.length) } }) as const
  const taus = points.map((p) => p.tau)
  const domain = [Math.min(...taus, ...rules.map((r) => r.tau)) / 1.5, Math.max(...taus) * 1.5]
  const x = { field: 'tau', type: 'quantitative', title: 'τ_c / τ_s (log)', scale: { type: 'log', domain, nice: false } } as const
  return {
    title: { text: 'Prop. 3: flatness of W against τ_c', subtitle: `mean |σ − σ(d_c = 0)| of W, ${seedCountLabel(seeds)}` },
    width: FIGURE_WIDTH,
    height: 150,
    layer: [
      {
        data: { values: rules },
        mark: { type: 'rule', strokeWidth: 1, opacity: 0.7 },
        encoding: {
          x,
          color: byRatio(SERIES_COLORS),
          strokeDash: { field: 'reading', type: 'nominal', title: 'Prop. 3 reading', sort: Object.values(readingLabel), scale: { domain: Object.values(readingLabel), range: [SERIES_DASHES[1]!, SERIES_DASHES[2]!] }, legend: { symbolType: 'stroke', symbolStrokeColor: '#444', symbolSize: 300 } },
        },
      },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1.4, point: false },
        encoding: { x, y: { field: 'distance', type: 'quantitative', title: 'distance to d_c = 0', scale: { zero: true } }, color: byRatio(SERIES_COLORS) },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: false, size: 30, strokeWidth: 1.1 },
        encoding: { x, y: { field: 'distance', type: 'quantitative' }, color: byRatio(SERIES_COLORS), shape: byRatio(SERIES_SHAPES) },
      },
    ],
  }
}

/** Normalised spectra of W: the d_c = 0 reference, τ_c = τ_s and the flattest τ_c, one panel per σ_c/σ_s (mean over seeds). */
export function spectraSpec(config: TheoryTauHeuristicConfig, measures: readonly RatioMeasures[], runs: readonly TauRun[]): TopLevelSpec {
  const series = ['d_c = 0 reference', 'τ_c = τ_s', 'flattest τ_c (τ*)']
  const meanSpectrum = (rs: readonly TauRun[]) => rs[0]!.weights.map((_, k) => meanStd(rs.map((r) => r.weights[k]!)).mean)
  const reference = runs.filter((r) => r.contentDims === 0)
  const values = measures.flatMap((m) => {
    const panel = `${ratioLabel(m.ratio)}, τ* = ${num(m.bestTau / config.tauStyle)}·τ_s`
    const at = (tau: number) => runs.filter((r) => r.contentDims > 0 && r.ratio === m.ratio && r.tauContent === tau)
    const lines: [string, readonly TauRun[]][] = [[series[0]!, reference], [series[1]!, at(config.tauStyle)], [series[2]!, at(m.bestTau)]]
    return lines.filter(([, rs]) => rs.length > 0).flatMap(([name, rs], s) => meanSpectrum(rs).map((value, k) => ({ panel, run: name, index: k + 1 + (s - 1) * 0.12, value })))
  })
  const bySeries = (range: readonly unknown[]) => ({ field: 'run', type: 'nominal', title: null, sort: series, scale: { domain: series, range: range.slice(0, series.length) } }) as const
  const d = config.dims
  return {
    title: { text: 'Spectra of W: flattest τ_c vs τ_c = τ_s', subtitle: `normalised singular values, ${seedCountLabel(new Set(runs.map((r) => r.seed)).size)}` },
    data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 50,
      height: 120,
      encoding: {
        x: { field: 'index', type: 'quantitative', title: 'singular value index k', scale: { domain: [0.6, d + 0.4], nice: false }, axis: { values: Array.from({ length: d }, (_, i) => i + 1), format: 'd', grid: false } },
        y: { field: 'value', type: 'quantitative', title: 'σ_k / σ_1', scale: { domain: [0, 1] } },
        color: bySeries(SERIES_COLORS),
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.4, opacity: 0.85 }, encoding: { strokeDash: bySeries(SERIES_DASHES) } },
        { mark: { type: 'point', filled: false, size: 24, strokeWidth: 1.1 }, encoding: { shape: bySeries(SERIES_SHAPES) } },
      ],
    },
  }
}

/** Both figures as SVG and PNG. */
export async function theoryTauHeuristicFigures(config: TheoryTauHeuristicConfig, measures: readonly RatioMeasures[], runs: readonly TauRun[]): Promise<Figure[]> {
  const seeds = new Set(runs.map((r) => r.seed)).size
  return [
    await renderFigure(
      'theory-tau-heuristic-flatness',
      "Distance of W's normalised spectrum to the d_c = 0 one against τ_c (log), one line per σ_c/σ_s; vertical rules at Prop. 3's two readings (dashed: logits τ_c = σ_c/σ_s; dotted: representation τ_c = (σ_c/σ_s)²)",
      flatnessSpec(config, measures, seeds),
    ),
    await renderFigure('theory-tau-heuristic-spectra', 'Normalised singular values of W: the d_c = 0 reference, τ_c = τ_s and the flattest τ_c, per σ_c/σ_s', spectraSpec(config, measures, runs)),
  ]
}
