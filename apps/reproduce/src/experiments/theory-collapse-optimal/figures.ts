import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { meanStd, seedCountLabel } from '../stats.js'
import type { TheoryCollapseOptimalConfig } from './config.js'
import type { CollapseRun } from './run.js'

const mean = (xs: readonly number[]) => meanStd(xs).mean
/** Exact zeros (collapsed gradient directions, underflowed losses) are drawn at this floor on log axes. */
export const LOG_FLOOR = 1e-12

/** One nominal channel with the series in a fixed order. */
function bySeries(names: readonly string[], range: readonly unknown[]) {
  return { field: 'series', type: 'nominal', title: null, sort: [...names], scale: { domain: [...names], range: range.slice(0, names.length) } } as const
}

const dcLabel = (dc: number) => `d_c = ${dc}`

/** Loss vs s per d_c: collapsed path (float64 and float32), style kept, the Jensen bound, and the levels L(A⁻¹), L(0) = log(M+1). */
export function lossSpec(config: TheoryCollapseOptimalConfig, runs: readonly CollapseRun[]): TopLevelSpec {
  const series = ['D_s = diag(s, 0) (float64)', 'D_s = diag(s, 0) (float32, tfjs)', 'D_s = diag(s, 1): style kept', 'bound log(1 + M·φ(s)^d_c)', 'L(A⁻¹)', 'L(0) = log(M+1)']
  const values = config.contentDims.flatMap((dc) => {
    const rs = runs.filter((r) => r.contentDims === dc)
    if (rs.length === 0) return []
    const at = (pick: (r: CollapseRun) => readonly number[], k: number) => mean(rs.map((r) => pick(r)[k]!))
    const gt = mean(rs.map((r) => r.groundTruth.float64.total))
    const zero = mean(rs.map((r) => r.zero.float32))
    return rs[0]!.scales.flatMap((s, k) => [
      { panel: dcLabel(dc), s, series: series[0], loss: at((r) => r.collapsed.float64, k) },
      { panel: dcLabel(dc), s, series: series[1], loss: at((r) => r.collapsed.float32, k) },
      { panel: dcLabel(dc), s, series: series[2], loss: at((r) => r.styleKept.float64, k) },
      { panel: dcLabel(dc), s, series: series[3], loss: at((r) => r.collapsed.bound, k) },
      { panel: dcLabel(dc), s, series: series[4], loss: gt },
      { panel: dcLabel(dc), s, series: series[5], loss: zero },
    ])
  })
  const seeds = new Set(runs.map((r) => r.seed)).size
  const m = runs[0]?.negatives ?? config.batchSize - 1
  return {
    title: { text: 'Prop. 4 / Cor. 1: loss along W = D_s·A⁻¹', subtitle: `eq. 4 per anchor, M = ${m}, ${seedCountLabel(seeds)}; float32 above its range is not the loss` },
    data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null, sort: config.contentDims.map(dcLabel), header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 40,
      height: 120,
      encoding: {
        x: { field: 's', type: 'quantitative', title: 'content scale s', scale: { type: 'log' }, axis: { format: '.0e', tickCount: 5 } },
        y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { domain: [0, Math.log(m + 1) * 1.05], clamp: true, nice: false } },
        color: bySeries(series, SERIES_COLORS),
        strokeDash: bySeries(series, SERIES_DASHES),
      },
      mark: { type: 'line', strokeWidth: 1.4, opacity: 0.9, clip: true },
    },
    resolve: { scale: { y: 'shared' } },
  } as TopLevelSpec
}

/** Content and style R² (held-out, adjusted) vs s on the collapsed and style-kept paths. */
export function r2Spec(config: TheoryCollapseOptimalConfig, runs: readonly CollapseRun[]): TopLevelSpec {
  const series = ['content, collapsed', 'style, collapsed', 'content, style kept', 'style, style kept']
  const values = config.contentDims.flatMap((dc) => {
    const rs = runs.filter((r) => r.contentDims === dc)
    if (rs.length === 0) return []
    const at = (pick: (r: CollapseRun) => number) => mean(rs.map(pick))
    return rs[0]!.scales.flatMap((s, k) => [
      { panel: dcLabel(dc), s, series: series[0], r2: at((r) => r.r2.collapsed[k]!.content) },
      { panel: dcLabel(dc), s, series: series[1], r2: at((r) => r.r2.collapsed[k]!.style) },
      { panel: dcLabel(dc), s, series: series[2], r2: at((r) => r.r2.styleKept[k]!.content) },
      { panel: dcLabel(dc), s, series: series[3], r2: at((r) => r.r2.styleKept[k]!.style) },
    ])
  })
  const seeds = new Set(runs.map((r) => r.seed)).size
  return {
    title: { text: 'Style R² along the collapsed path', subtitle: `adjusted R² (held-out half) of z from W_s·x, ${seedCountLabel(seeds)}` },
    data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null, sort: config.contentDims.map(dcLabel), header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spec: {
      width: FIGURE_WIDTH - 40,
      height: 90,
      encoding: {
        x: { field: 's', type: 'quantitative', title: 'content scale s', scale: { type: 'log' }, axis: { format: '.0e', tickCount: 5 } },
        y: { field: 'r2', type: 'quantitative', title: 'adjusted R²', scale: { domain: [-0.1, 1.05], clamp: true, nice: false } },
        color: bySeries(series, SERIES_COLORS),
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.4, opacity: 0.9 }, encoding: { strokeDash: bySeries(series, SERIES_DASHES) } },
        { mark: { type: 'point', filled: false, size: 18, strokeWidth: 1 }, encoding: { shape: bySeries(series, SERIES_SHAPES) } },
      ],
    },
  } as TopLevelSpec
}

/** Normalised gradient singular values σ_k/σ_1 (log axis, exact zeros at the floor) per d_c and gradient scale. */
export function gradientSpec(config: TheoryCollapseOptimalConfig, runs: readonly CollapseRun[]): TopLevelSpec {
  const layers = runs[0]?.gradients[0]?.nonlinearCollapsed.length ?? config.generator.mlpLayers
  const series = ['linear ∂L/∂W, collapsed', 'linear ∂L/∂W, style kept', ...Array.from({ length: layers }, (_, i) => `f_D layer ${i + 1}${i === layers - 1 ? ' (before D)' : ''}`)]
  const first = runs.filter((r) => r.seed === runs[0]?.seed)
  const norm = (sv: readonly number[]) => sv.map((v) => Math.max(LOG_FLOOR, sv[0]! > 0 ? v / sv[0]! : 0))
  const values = first.flatMap((r) =>
    r.gradients.flatMap((g) => {
      const spectra = [g.linearCollapsed, g.linearStyleKept, ...g.nonlinearCollapsed]
      return spectra.flatMap((sv, i) => norm(sv).map((value, k) => ({ row: dcLabel(r.contentDims), column: `s = ${g.scale}`, k: k + 1 + (i / (spectra.length - 1) - 0.5) * 0.5, value, series: series[i] })))
    }),
  )
  const d = config.dims
  return {
    title: { text: 'Prop. 5: gradient spectra on the collapsed path', subtitle: `σ_k / σ_1 (zeros drawn at ${LOG_FLOOR}), seed ${runs[0]?.seed ?? 0}` },
    data: { values },
    facet: {
      row: { field: 'row', type: 'nominal', title: null, sort: config.contentDims.map(dcLabel) },
      column: { field: 'column', type: 'nominal', title: null, sort: config.gradientScales.map((s) => `s = ${s}`) },
    },
    spec: {
      width: 120,
      height: 90,
      encoding: {
        x: { field: 'k', type: 'quantitative', title: 'k', scale: { domain: [0.5, d + 0.5], nice: false }, axis: { values: Array.from({ length: d }, (_, i) => i + 1), format: 'd', grid: false } },
        y: { field: 'value', type: 'quantitative', title: 'σ_k / σ_1', scale: { type: 'log', domain: [LOG_FLOOR, 1] }, axis: { format: '.0e', tickCount: 4 } },
        color: bySeries(series, SERIES_COLORS),
        shape: bySeries(series, SERIES_SHAPES),
      },
      mark: { type: 'point', filled: false, size: 16, strokeWidth: 1 },
    },
  } as TopLevelSpec
}

/** The three figures (SVG and PNG). */
export async function theoryCollapseOptimalFigures(config: TheoryCollapseOptimalConfig, runs: readonly CollapseRun[]): Promise<Figure[]> {
  return [
    await renderFigure('theory-collapse-optimal-loss', 'eq. 4 along W = D_s·A⁻¹ (collapsed, float64 and the float32 library loss), diag(s, 1)·A⁻¹ (style kept), the Jensen bound, and the levels L(A⁻¹) and L(0) = log(M+1)', lossSpec(config, runs)),
    await renderFigure('theory-collapse-optimal-r2', 'Held-out adjusted R² of content and style latents from z = W_s·x along the collapsed and style-kept paths (R² is invariant to s > 0: flat by construction)', r2Spec(config, runs)),
    await renderFigure('theory-collapse-optimal-gradients', 'Normalised singular values of ∂L/∂W (linear) and of ∂L/∂V_k per layer of f_D = D_s ∘ g⁻¹ on the collapsed path', gradientSpec(config, runs)),
  ]
}
