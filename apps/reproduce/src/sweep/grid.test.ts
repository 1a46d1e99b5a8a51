import { describe, expect, it } from 'vitest'
import { parseOverrides } from '../run/overrides.js'
import { flattenOverrides, formatPoint, gridPoints, nestPoint, parseGrid, splitValues } from './grid.js'

describe('splitValues', () => {
  it('splits at top-level commas only', () => {
    expect(splitValues('0.5,1,2')).toEqual(['0.5', '1', '2'])
    expect(splitValues('[0,1],[0,2,4]')).toEqual(['[0,1]', '[0,2,4]'])
    expect(splitValues('{"a":1,"b":2},"x,y",z')).toEqual(['{"a":1,"b":2}', '"x,y"', 'z'])
  })
})

describe('parseGrid', () => {
  it('parses values as JSON where they parse, else as strings, keeping the order given', () => {
    expect(parseGrid(['tau=0.5,1', 'encoder.hiddenWidths=[16],[32,32]', 'encoder.weightInit=pytorch,heUniform'])).toEqual([
      { key: 'tau', values: [0.5, 1] },
      { key: 'encoder.hiddenWidths', values: [[16], [32, 32]] },
      { key: 'encoder.weightInit', values: ['pytorch', 'heUniform'] },
    ])
  })

  it('refuses malformed axes, naming the option', () => {
    expect(() => parseGrid(['tau'])).toThrow(/--grid/)
    expect(() => parseGrid(['=1,2'])).toThrow(/--grid/)
    expect(() => parseGrid(['tau=1,,2'])).toThrow(/--grid tau.*none empty/)
    expect(() => parseGrid(['tau=1,1.0'])).toThrow(/--grid tau.*distinct/)
    expect(() => parseGrid(['tau=1', 'tau=2'])).toThrow(/given twice/)
    expect(() => parseGrid(['train={"steps":5}', 'train.steps=1,2'])).toThrow(/already: train/)
    expect(() => parseGrid(['__proto__.x=1'])).toThrow(/dotted config key/)
    expect(() => parseGrid(['a b=1'])).toThrow(/dotted config key/)
  })
})

describe('gridPoints', () => {
  it('is the product of the axes, the first varying slowest; one empty point without axes', () => {
    expect(gridPoints([])).toEqual([{}])
    expect(gridPoints(parseGrid(['a=1,2', 'b=x,y,z']))).toEqual([
      { a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 1, b: 'z' },
      { a: 2, b: 'x' }, { a: 2, b: 'y' }, { a: 2, b: 'z' },
    ])
    expect(formatPoint({ a: 1, b: 'x', c: [1, 2] })).toBe('a = 1, b = "x", c = [1,2]')
    expect(formatPoint({})).toBe('(no grid)')
  })
})

describe('nestPoint / flattenOverrides', () => {
  it('round-trips through the --set parser', () => {
    const nested = nestPoint({ 'train.steps': 5, 'train.learningRate': 0.001, 'encoder.hiddenWidths': [16, 8], name: 'a,b', flag: true, s: '12' })
    expect(nested).toEqual({ train: { steps: 5, learningRate: 0.001 }, encoder: { hiddenWidths: [16, 8] }, name: 'a,b', flag: true, s: '12' })
    // '12' the string must come back as a string, not the number 12
    expect(parseOverrides(flattenOverrides(nested))).toEqual(nested)
  })
})
