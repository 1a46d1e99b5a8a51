import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { meanStd, seedCountLabel } from '../stats.js'
import { isUnnormalizedSphere } from './claims.js'
import type { Fig1SpectrumConfig } from './config.js'
import type { SpectrumRun } from './run.js'

/** Legend label of a run: its d_c, σ_c and (sphere) whether the ℓ2-normalisation was removed. */
export function runLabel(r: SpectrumRun): string {
  return (r.contentSigma > 0 ? `d_c = ${r.contentDims}, σ_c = ${r.contentSigma}` : `d_c = ${r.contentDims}`) + (isUnnormalizedSphere(r) ? ', w/o ℓ2-norm' : '')
}

/** Normalised singular values of W or W·A_g per run (mean over seeds), one panel per space. */
export function spectrumSpec(config: Fig1SpectrumConfig, runs: readonly SpectrumRun[], which: 'weights' | 'endToEnd', title: string): TopLevelSpec {
  const labels = [...new Set(runs.map(runLabel))]
  const tauLabel = (r: SpectrumRun) => (r.adaptive !== undefined ? 'adaptive τ_c' : r.tauContent === config.tauStyle ? 'τ_c = τ_s' : `τ_c = ${r.tauContent / config.tauStyle}·τ_s`)
  const taus = [...new Set(runs.map(tauLabel))].sort((a, b) => (a === 'τ_c = τ_s' ? -1 : b === 'τ_c = τ_s' ? 1 : a.localeCompare(b)))
  const seeds = new Set(runs.map((r) => r.seed)).size
  // one series per (space, label, τ): mean over seeds, offset sideways by series so coinciding spectra stay visible
  const series = new Map<string, SpectrumRun[]>()
  for (const r of runs) {
    const key = JSON.stringify([r.space, runLabel(r), tauLabel(r)])
    series.set(key, [...(series.get(key) ?? []), r])
  }
  const count = labels.length * taus.length
  const values = [...series.entries()].flatMap(([key, rs]) => {
    const [space, label, tau] = JSON.parse(key) as [string, string, string]
    const slot = labels.indexOf(label) * taus.length + taus.indexOf(tau)
    const offset = count <= 1 ? 0 : (slot / (count - 1) - 0.5) * 0.4
    return rs[0]![which].map((_, k) => ({ space, index: k + 1 + offset, value: meanStd(rs.map((r) => r[which][k]!)).mean, run: label, tau }))
  })
  const d = config.dims
  const byRun = (range: readonly unknown[]) => ({ field: 'run', type: 'nominal', title: null, sort: labels, scale: { domain: labels, range: range.slice(0, labels.length) } }) as const
  return {
    title: { text: title, subtitle: `normalised singular values, ${seedCountLabel(seeds)}` },
    data: { values },
    facet: { row: { field: 'space', type: 'nominal', title: null, sort: ['box', 'sphere'], header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 50,
      height: 130,
      encoding: {
        x: { field: 'index', type: 'quantitative', title: 'singular value index k', scale: { domain: [0.6, d + 0.4], nice: false }, axis: { values: Array.from({ length: d }, (_, i) => i + 1), format: 'd', grid: false } },
        y: { field: 'value', type: 'quantitative', title: 'σ_k / σ_1', scale: { domain: [0, 1] } },
        color: byRun(SERIES_COLORS),
      },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.4, opacity: 0.85 },
          encoding: {
            detail: { field: 'tau' },
            strokeDash: { field: 'tau', type: 'nominal', title: null, sort: taus, scale: { domain: taus, range: taus.map((_, i) => SERIES_DASHES[i % SERIES_DASHES.length]!) }, legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeColor: '#444', symbolSize: 300, offset: 4 } },
          },
        },
        { mark: { type: 'point', filled: false, size: 24, strokeWidth: 1.1 }, encoding: { shape: byRun(SERIES_SHAPES) } },
      ],
    },
  }
}

/** Fig. 1 left (W) and the end-to-end map W·A_g, as SVG and PNG. */
export async function fig1SpectrumFigures(config: Fig1SpectrumConfig, runs: readonly SpectrumRun[]): Promise<Figure[]> {
  return [
    await renderFigure('fig1-spectrum-weights', "Normalised singular values of the learned W (solid τ_c = τ_s, dashed τ_c < τ_s; adaptive τ_c where run) — the quantity of the paper's Fig. 1 left", spectrumSpec(config, runs, 'weights', 'Fig. 1 left: spectrum of W')),
    await renderFigure('fig1-spectrum-end-to-end', 'Normalised singular values of the end-to-end map W·A_g', spectrumSpec(config, runs, 'endToEnd', 'Spectrum of W·A_g (f ∘ g)')),
  ]
}
