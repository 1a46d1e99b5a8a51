import type { TopLevelSpec } from 'vega-lite'
import { FIGURE_WIDTH, renderFigure } from '../../report/vega-svg.js'
import type { Figure } from '../experiment.js'
import { meanStd, seedCountLabel } from '../stats.js'
import type { AppendixESeedResult } from './claims.js'
import { APPENDIX_E_PAPER } from './presets.js'

/** Fig. 4: Σ|w| per output channel of the last residual conv (mean over seeds), black rule at d. */
export function weightSpec(results: readonly AppendixESeedResult[], d: number, arch: string): TopLevelSpec {
  const width = results[0]?.channelAbsSums.length ?? 0
  const values = Array.from({ length: width }, (_, c) => ({ channel: c, sum: meanStd(results.map((r) => r.channelAbsSums[c]!)).mean }))
  return {
    title: { text: 'Fig. 4: last residual conv weights', subtitle: [`Σ|w| per output channel (${arch}),`, `black line at d = ${d}, ${seedCountLabel(results.length)}`] },
    width: FIGURE_WIDTH,
    height: 140,
    autosize: { type: 'fit-x', contains: 'padding' },
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: '#2b4d7a' },
        encoding: {
          x: { field: 'channel', type: 'quantitative', title: 'output channel', scale: { domain: [-0.5, width - 0.5], nice: false } },
          y: { field: 'sum', type: 'quantitative', title: 'Σ |w|' },
        },
      },
      { data: { values: [{ d: d - 0.5 }] }, mark: { type: 'rule', color: '#000000', strokeWidth: 1.5 }, encoding: { x: { field: 'd', type: 'quantitative' } } },
    ],
  }
}

/** Readout on h vs on r: ours (dark) next to the paper's (grey, ImageNet), ± std whiskers. */
export function readoutSpec(results: readonly AppendixESeedResult[], dataset: string): TopLevelSpec {
  const n = results.length
  const rows = (['h', 'r'] as const).flatMap((rep) => {
    const o = meanStd(results.map((r) => (rep === 'h' ? r.readoutH : r.readoutR)))
    const spread = n > 1 ? o.std : 0
    const [pm, ps] = rep === 'h' ? APPENDIX_E_PAPER.readoutH : APPENDIX_E_PAPER.readoutR
    return [
      { rep: `readout on ${rep}`, source: `paper (${APPENDIX_E_PAPER.dataset})`, value: pm, low: pm - ps, high: pm + ps },
      { rep: `readout on ${rep}`, source: `ours (${dataset})`, value: o.mean, low: o.mean - spread, high: o.mean + spread },
    ]
  })
  const sources = [`paper (${APPENDIX_E_PAPER.dataset})`, `ours (${dataset})`]
  return {
    title: { text: 'Appx. E: readout on h vs r', subtitle: seedCountLabel(n) },
    width: FIGURE_WIDTH - 84,
    height: 90,
    data: { values: rows },
    encoding: { y: { field: 'rep', type: 'nominal', title: null }, yOffset: { field: 'source', type: 'nominal', sort: sources } },
    layer: [
      {
        mark: { type: 'bar', stroke: '#000000', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: 'test accuracy (%)', scale: { domain: [0, 100] } },
          color: { field: 'source', type: 'nominal', title: null, sort: sources, scale: { domain: sources, range: ['#d0d0d0', '#2b4d7a'] }, legend: { orient: 'bottom', direction: 'vertical' } },
        },
      },
      { mark: { type: 'errorbar', color: '#000000' }, encoding: { x: { field: 'low', type: 'quantitative', title: 'test accuracy (%)' }, x2: { field: 'high' } } },
    ],
  }
}

export async function appendixEFigures(results: readonly AppendixESeedResult[], d: number, arch: string, dataset: string): Promise<Figure[]> {
  return [
    await renderFigure('appendix-e-weights', `Fig. 4: Σ|w| per output channel of the last residual conv of the ${arch}; the black line marks d = ${d}, the dims trained with the loss`, weightSpec(results, d, arch)),
    await renderFigure('appendix-e-readout', `Appx. E: linear readout on h (input of the last block) vs on r (backbone output), ours (${dataset}) vs paper (${APPENDIX_E_PAPER.dataset})`, readoutSpec(results, dataset)),
  ]
}
