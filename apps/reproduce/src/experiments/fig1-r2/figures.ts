import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { seedCountLabel } from '../stats.js'
import type { SpaceKind } from '../synthetic.js'
import { averageLayers, averageSpectrum } from './claims.js'
import { variantNames, type Fig1R2Config } from './config.js'
import type { LayerR2Run } from './run.js'

/** Horizontal offset of series `i` of `n` so that coinciding lines and points stay visible side by side. */
function jitter(i: number, n: number, spread = 0.3): number {
  return n <= 1 ? 0 : (i / (n - 1) - 0.5) * spread
}

const spaceName = (space: SpaceKind) => (space === 'box' ? 'hyperbox' : 'hypersphere')

/** A per-variant encoding channel (colour, dash, shape) with the variants in config order and `range` as their values. */
function byVariant(names: readonly string[], range: readonly unknown[]) {
  return { field: 'variant', type: 'nominal', title: null, sort: [...names], scale: { domain: [...names], range: range.slice(0, names.length) } } as const
}

/** Fig. 1 middle/right: adjusted R² of style and content through the encoder's layers, one line pair per variant. */
export function layerR2Spec(space: SpaceKind, config: Fig1R2Config, runs: readonly LayerR2Run[]): TopLevelSpec {
  const names = variantNames(config)
  const seeds = new Set(runs.map((r) => r.seed)).size
  const values = names.flatMap((variant, vi) =>
    averageLayers(runs, variant).flatMap((l, i) => [
      { layer: i + 1 + jitter(vi, names.length), variant, latent: 'style', r2: l.style },
      { layer: i + 1 + jitter(vi, names.length), variant, latent: 'content', r2: l.content },
    ]),
  )
  const layerCount = runs[0]?.layers.length ?? 1
  return {
    title: { text: `Fig. 1 ${space === 'box' ? 'middle' : 'right'}: ${spaceName(space)}`, subtitle: `adjusted R² per layer (${seedCountLabel(seeds)})` },
    width: FIGURE_WIDTH,
    height: 170,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    encoding: {
      x: { field: 'layer', type: 'quantitative', title: 'layer of f', scale: { domain: [0.6, layerCount + 0.4], nice: false }, axis: { values: Array.from({ length: layerCount }, (_, i) => i + 1), format: 'd', grid: false } },
      y: { field: 'r2', type: 'quantitative', title: 'adjusted R²', scale: { domain: [0, 1], clamp: true } },
      color: byVariant(names, SERIES_COLORS),
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.5, opacity: 0.9 },
        encoding: {
          detail: { field: 'latent' },
          strokeDash: { field: 'latent', type: 'nominal', title: null, sort: ['style', 'content'], scale: { domain: ['style', 'content'], range: [SERIES_DASHES[0]!, SERIES_DASHES[1]!] }, legend: { orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeColor: '#444', symbolSize: 300, offset: 4 } },
        },
      },
      {
        mark: { type: 'point', filled: false, size: 28, strokeWidth: 1.2, opacity: 0.95 },
        encoding: { shape: byVariant(names, SERIES_SHAPES) },
      },
    ],
  }
}

/** Normalised singular values of the output covariance per variant (spectrum view of collapse, §4.2). */
export function outputSpectrumSpec(space: SpaceKind, config: Fig1R2Config, runs: readonly LayerR2Run[]): TopLevelSpec {
  const names = variantNames(config)
  const seeds = new Set(runs.map((r) => r.seed)).size
  const values = names.flatMap((variant, vi) => averageSpectrum(runs, variant).map((value, k) => ({ index: k + 1 + jitter(vi, names.length, 0.24), value, variant })))
  const d = runs[0]?.outputSpectrum.length ?? config.dims
  return {
    title: { text: `Output spectrum of f, ${spaceName(space)}`, subtitle: ['normalised singular values', `of the output covariance, ${seedCountLabel(seeds)}`] },
    width: FIGURE_WIDTH,
    height: 150,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    encoding: {
      x: { field: 'index', type: 'quantitative', title: 'singular value index k', scale: { domain: [0.6, d + 0.4], nice: false }, axis: { values: Array.from({ length: d }, (_, i) => i + 1), format: 'd', grid: false } },
      y: { field: 'value', type: 'quantitative', title: 'σ_k / σ_1', scale: { domain: [0, 1] } },
      color: byVariant(names, SERIES_COLORS),
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5, opacity: 0.9 }, encoding: { strokeDash: byVariant(names, SERIES_DASHES) } },
      { mark: { type: 'point', filled: false, size: 28, strokeWidth: 1.2 }, encoding: { shape: byVariant(names, SERIES_SHAPES) } },
    ],
  }
}

/** The two figures of Fig. 1 middle/right, as SVG and PNG. */
export async function fig1R2Figures(space: SpaceKind, config: Fig1R2Config, runs: readonly LayerR2Run[]): Promise<Figure[]> {
  return [
    await renderFigure(`fig1-r2-${space}`, `Adjusted R² (held-out half) of style (solid) and content (dashed) latents from every layer of f, ${space} (mean over seeds)`, layerR2Spec(space, config, runs)),
    await renderFigure(`fig1-r2-${space}-output-spectrum`, `Normalised singular values of the output covariance of f on the probe set, ${space} (mean over seeds)`, outputSpectrumSpec(space, config, runs)),
  ]
}
