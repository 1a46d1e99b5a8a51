import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'

/**
 * Render a Vega-Lite spec to a standalone SVG document in Node (no browser, no canvas: Vega's headless SVG renderer
 * with estimated text metrics).
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
