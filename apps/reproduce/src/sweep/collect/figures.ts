import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, SERIES_COLORS, SERIES_DASHES, SERIES_SHAPES, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../../experiments/experiment.js'
import type { GridAxis } from '../manifest.js'
import { formatPoint } from '../grid.js'
import type { ScalarGroup } from './groups.js'
import type { PointSummary } from './summary-schema.js'

/** One plotted value: a scalar's mean at one grid value, with its ± std whisker where there is a spread. */
interface SweepRow {
  x: number
  series: string
  mean: number
  low: number
  high: number
  panel: string
}

/** The grid axes a figure can be drawn against: at least two distinct finite numeric values. */
export function numericAxes(grid: readonly GridAxis[]): GridAxis[] {
  return grid.filter((a) => new Set(a.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))).size >= 2)
}

const slug = (s: string) => s.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'scalars'

/** Rows of one (axis, group) figure; the other grid keys of a point name its panel. */
export function sweepRows(points: readonly PointSummary[], axis: GridAxis, group: ScalarGroup): SweepRow[] {
  const rows: SweepRow[] = []
  for (const p of points) {
    const x = p.point[axis.key]
    if (typeof x !== 'number' || !Number.isFinite(x)) continue
    const { [axis.key]: _, ...others } = p.point
    for (const name of group.scalars) {
      const s = p.scalars.find((v) => v.name === name)
      if (s === undefined || s.mean === null) continue
      const spread = s.n > 1 && s.std !== null ? s.std : 0
      rows.push({ x, series: name, mean: s.mean, low: s.mean - spread, high: s.mean + spread, panel: formatPoint(others) })
    }
  }
  return rows
}

/**
 * Headline scalars against one grid key: mean over seeds with ± std error bars (sample std; none for a single seed),
 * one series per scalar of the group in the greyscale-safe styles (colour, dash, shape); log x where the values span
 * two decades or more; one panel per combination of the other grid keys.
 */
export function sweepSpec(experiment: string, axis: GridAxis, group: ScalarGroup, rows: readonly SweepRow[], seeds: number): TopLevelSpec {
  const names = group.scalars.filter((n) => rows.some((r) => r.series === n))
  const xs = rows.map((r) => r.x)
  const logX = xs.every((x) => x > 0) && Math.max(...xs) / Math.min(...xs) >= 100
  const byScalar = (range: readonly unknown[]) => ({ field: 'series', type: 'nominal', title: null, sort: names, scale: { domain: names, range: range.slice(0, names.length) } }) as const
  const panels = [...new Set(rows.map((r) => r.panel))]
  const layer = {
    width: FIGURE_WIDTH,
    height: 150,
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axis.key, scale: { type: logX ? 'log' : 'linear', zero: false, nice: !logX }, axis: logX ? { values: [...new Set(xs)].sort((a, b) => a - b) } : { tickCount: 4 } },
      color: byScalar(SERIES_COLORS),
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5, opacity: 0.9 }, encoding: { y: { field: 'mean', type: 'quantitative', title: 'mean ± std', scale: { zero: false } }, strokeDash: byScalar(SERIES_DASHES) } },
      { mark: { type: 'point', filled: false, size: 28, strokeWidth: 1.2 }, encoding: { y: { field: 'mean', type: 'quantitative', title: 'mean ± std' }, shape: byScalar(SERIES_SHAPES) } },
      { mark: { type: 'errorbar', thickness: 1 }, encoding: { y: { field: 'low', type: 'quantitative', title: 'mean ± std' }, y2: { field: 'high' } } },
    ],
  }
  const title = { text: `${experiment}: ${group.name} vs ${axis.key}`, subtitle: `mean ± std over ≤ ${seeds} seed${seeds === 1 ? '' : 's'} per point` }
  if (panels.length <= 1) return { title, data: { values: [...rows] }, ...layer } as TopLevelSpec
  return {
    title,
    data: { values: [...rows] },
    facet: { row: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spacing: { row: 8 },
    spec: layer,
  } as TopLevelSpec
}

/** Every sweep figure (SVG + PNG): one per numeric grid axis and scalar group that has anything to plot. */
export async function sweepFigures(experiment: string, grid: readonly GridAxis[], points: readonly PointSummary[], groups: readonly ScalarGroup[], seeds: number): Promise<Figure[]> {
  const figures: Figure[] = []
  for (const axis of numericAxes(grid)) {
    for (const group of groups) {
      const rows = sweepRows(points, axis, group)
      if (new Set(rows.map((r) => r.x)).size < 2) continue
      const base = `sweep-${slug(axis.key)}-${slug(group.name)}`
      let name = base
      for (let k = 2; figures.some((f) => f.name === name); k++) name = `${base}-${k}`
      const caption = `${group.name} against ${axis.key}: mean ± std over the complete seeds of each grid point`
      figures.push(await renderFigure(name, caption, sweepSpec(experiment, axis, group, rows, seeds)))
    }
  }
  return figures
}
