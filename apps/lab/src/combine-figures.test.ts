import { describe, expect, it } from 'vitest'
import { combineFigures, svgSize } from './combine-figures.js'

const fig = (name: string, w: number, h: number) => ({ name, caption: name, svg: `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="1" height="1"/></svg>` })

describe('combineFigures', () => {
  it('stacks the figures as nested SVGs, sized to hold them all', () => {
    const out = combineFigures([fig('a', 200, 100), fig('b', 300, 50)], 10)
    expect(svgSize(out)).toEqual({ width: 300, height: 160 })
    expect(out).toContain('<g id="a"><svg x="0" y="0" xmlns=')
    expect(out).toContain('<g id="b"><svg x="0" y="110" xmlns=')
    expect(out.match(/<\?xml/g)).toHaveLength(1)
  })

  it('reads a size from the viewBox when width and height are missing', () => {
    expect(svgSize('<svg viewBox="0 0 120 80">')).toEqual({ width: 120, height: 80 })
  })
})
