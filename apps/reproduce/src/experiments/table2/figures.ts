import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { seedCountLabel } from '../stats.js'
import type { Table2Ours } from './claims.js'
import { TABLE2_LABELS, TABLE2_PAPER, TABLE2_VARIANTS } from './presets.js'

const SOURCES = ['paper', 'ours'] as const
const WHERE = ['after p.', 'before p.'] as const

/** Table 2 as bars: readout accuracy after / before the projector per variant, paper (grey) next to ours (dark), ± std whiskers. */
export function table2Spec(ours: Table2Ours, seeds: number, dataset: string): TopLevelSpec {
  const labels = TABLE2_VARIANTS.map((v) => TABLE2_LABELS[v])
  const rows = TABLE2_VARIANTS.flatMap((v) =>
    (['after', 'before'] as const).flatMap((which, i) => {
      const o = ours[v][which]
      const spread = o.n > 1 ? o.std : 0
      const [pm, ps] = TABLE2_PAPER[v][which]
      return [
        { variant: TABLE2_LABELS[v], where: WHERE[i], source: 'paper', value: pm, low: pm - ps, high: pm + ps },
        { variant: TABLE2_LABELS[v], where: WHERE[i], source: 'ours', value: o.mean, low: o.mean - spread, high: o.mean + spread },
      ]
    }),
  )
  return {
    title: { text: 'Table 2: linear readout accuracy', subtitle: [`paper (CIFAR-10) vs ours (${dataset}),`, seedCountLabel(seeds)] },
    data: { values: rows },
    facet: { row: { field: 'where', type: 'nominal', title: null, sort: [...WHERE], header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
    spacing: { row: 6 },
    spec: {
      width: FIGURE_WIDTH - 116,
      height: 66,
      encoding: {
        y: { field: 'variant', type: 'nominal', title: null, sort: labels },
        yOffset: { field: 'source', type: 'nominal', sort: [...SOURCES] },
      },
      layer: [
        {
          mark: { type: 'bar', stroke: '#000000', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'value', type: 'quantitative', title: 'test accuracy (%)', scale: { domain: [0, 100] }, axis: { tickCount: 5 } },
            color: { field: 'source', type: 'nominal', title: null, sort: [...SOURCES], scale: { domain: [...SOURCES], range: ['#d0d0d0', '#2b4d7a'] }, legend: { orient: 'bottom' } },
          },
        },
        { mark: { type: 'errorbar', color: '#000000' }, encoding: { x: { field: 'low', type: 'quantitative', title: 'test accuracy (%)' }, x2: { field: 'high' } } },
      ],
    },
  }
}

export async function table2Figures(ours: Table2Ours, seeds: number, dataset: string): Promise<Figure[]> {
  return [await renderFigure('table2-readout', `Table 2 as bars: linear readout test accuracy after / before the projector, paper (grey, CIFAR-10) vs ours (dark, ${dataset}), ${seedCountLabel(seeds)}`, table2Spec(ours, seeds, dataset))]
}
