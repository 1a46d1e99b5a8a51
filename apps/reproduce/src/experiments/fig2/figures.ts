import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { seedCountLabel } from '../stats.js'
import type { Fig2Results } from './claims.js'
import { FIG2_LABELS, FIG2_VARIANTS } from './presets.js'

/** Normalised eigenvalues below this are not drawn (rounding noise; an exactly zero eigenvalue has no logarithm). */
export const SPECTRUM_FLOOR = 1e-12

/** Mean over seeds of the normalised spectra, per rank. */
export function meanSpectrum(spectra: readonly (readonly number[])[]): number[] {
  const width = spectra[0]?.length ?? 0
  return Array.from({ length: width }, (_, k) => spectra.reduce((a, s) => a + (s[k] ?? 0), 0) / Math.max(1, spectra.length))
}

/** Fig. 2: log of the sum-normalised covariance eigenvalues vs rank, after (solid) and before (dashed) the projector, per model. */
export function fig2Spec(results: Fig2Results, dataset: string): TopLevelSpec {
  const labels = FIG2_VARIANTS.map((v) => FIG2_LABELS[v])
  const where = ['after', 'before'] as const
  const values = FIG2_VARIANTS.flatMap((v) =>
    where.flatMap((w) =>
      meanSpectrum(results[v].map((r) => r[w].normalized))
        .map((x, k) => ({ rank: k + 1, logEig: Math.log10(x), variant: FIG2_LABELS[v], where: `${w} p.`, series: `${FIG2_LABELS[v]} ${w}`, x }))
        .filter((p) => p.x >= SPECTRUM_FLOOR),
    ),
  )
  const seeds = results.regular.length
  return {
    title: { text: 'Fig. 2: covariance spectrum', subtitle: ['after (solid) / before (dashed) p.,', `${dataset} test set, ${seedCountLabel(seeds)}`] },
    width: FIGURE_WIDTH,
    height: 170,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, opacity: 0.9 },
    encoding: {
      x: { field: 'rank', type: 'quantitative', title: 'rank k', scale: { type: 'log' }, axis: { grid: false } },
      y: { field: 'logEig', type: 'quantitative', title: 'log₁₀ (λ_k / Σλ)' },
      color: { field: 'variant', type: 'nominal', title: null, sort: labels, scale: { domain: labels, range: [SERIES_COLORS[1]!, SERIES_COLORS[2]!] }, legend: { orient: 'bottom' } },
      strokeDash: { field: 'where', type: 'nominal', title: null, sort: ['after p.', 'before p.'], scale: { domain: ['after p.', 'before p.'], range: [SERIES_DASHES[0]!, SERIES_DASHES[1]!] }, legend: { orient: 'bottom', symbolType: 'stroke' } },
      detail: { field: 'series' },
    },
  }
}

export async function fig2Figures(results: Fig2Results, dataset: string): Promise<Figure[]> {
  return [await renderFigure('fig2-spectrum', `Fig. 2: log₁₀ of the covariance eigenvalues (normalised by their sum) of the ${dataset} test representations after (solid) and before (dashed) the projector, regular vs w/o norm. (standardised)`, fig2Spec(results, dataset))]
}
