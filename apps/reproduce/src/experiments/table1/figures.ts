import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { seedCountLabel } from '../stats.js'
import type { Table1Ours } from './claims.js'
import { TABLE1_PAPER } from './presets.js'
import { SPACES, TERMS } from './run.js'

const TERM_LABEL = { align: 'L_align', uniform: 'L_uniform', total: 'L_CL' } as const
const MODELS = ['f = g⁻¹', 'f_InfoNCE'] as const
const SOURCES = ['paper', 'ours'] as const

/**
 * Table 1 as bars: one panel per (loss term, space), f = g⁻¹ and f_InfoNCE, paper (light grey) next to ours (dark),
 * whiskers ± std where there is a spread (none for a single seed).
 */
export function table1Spec(ours: Table1Ours, seeds: number): TopLevelSpec {
  const rows = SPACES.flatMap((space) =>
    TERMS.flatMap((term) => [
      ...(['gInverse', 'trained'] as const).map((model, i) => {
        const v = ours[space][model][term]
        const spread = v.n > 1 ? v.std : 0
        return { space, term: TERM_LABEL[term], model: MODELS[i], source: 'ours', value: v.mean, low: v.mean - spread, high: v.mean + spread }
      }),
      ...(['gInverse', 'infonce'] as const).map((model, i) => {
        const [m, sd] = TABLE1_PAPER[space][model][term]
        return { space, term: TERM_LABEL[term], model: MODELS[i], source: 'paper', value: m, low: m - sd, high: m + sd }
      }),
    ]),
  )
  return {
    title: { text: 'Table 1: loss of f = g⁻¹ and f_InfoNCE', subtitle: `paper vs ours (${seedCountLabel(seeds)})` },
    data: { values: rows },
    facet: {
      row: { field: 'term', type: 'nominal', title: null, sort: Object.values(TERM_LABEL), header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } },
      column: { field: 'space', type: 'nominal', title: null, sort: [...SPACES] },
    },
    resolve: { scale: { x: 'independent' } },
    spacing: { row: 6, column: 8 },
    spec: {
      width: (FIGURE_WIDTH - 80) / 2,
      height: 44,
      encoding: {
        y: { field: 'model', type: 'nominal', title: null, sort: [...MODELS] },
        yOffset: { field: 'source', type: 'nominal', sort: [...SOURCES] },
      },
      layer: [
        {
          mark: { type: 'bar', stroke: '#000000', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'value', type: 'quantitative', title: null, axis: { tickCount: 3 } },
            color: { field: 'source', type: 'nominal', title: null, sort: [...SOURCES], scale: { domain: [...SOURCES], range: ['#d0d0d0', '#2b4d7a'] } },
          },
        },
        { mark: { type: 'errorbar', color: '#000000' }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      ],
    },
  }
}

/** The Table 1 figure as SVG and PNG. */
export async function table1Figures(ours: Table1Ours, seeds: number, evalSamples: number): Promise<Figure[]> {
  return [await renderFigure('table1-losses', `Table 1 as bars: L_align, L_uniform, L_CL on ${evalSamples} samples, paper (grey) vs ours (dark), ${seedCountLabel(seeds)}`, table1Spec(ours, seeds))]
}
