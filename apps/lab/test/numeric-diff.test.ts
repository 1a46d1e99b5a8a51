import { describe, expect, it } from 'vitest'
import { numericDifferences } from './numeric-diff.js'

describe('numericDifferences', () => {
  it('accepts numbers within the tolerance (relative above magnitude 1) and names each path that differs', () => {
    expect(numericDifferences({ a: 1, b: [0.5, 200] }, { a: 1 + 5e-5, b: [0.5 - 9e-5, 200.01] }, 1e-4)).toEqual([])
    expect(numericDifferences({ a: 1, b: [0.5, 2] }, { a: 1.001, b: [0.5, 2] }, 1e-4)).toEqual([{ path: '$.a', a: 1, b: 1.001 }])
    expect(numericDifferences([0.1], [0.1003], 1e-4)).toEqual([{ path: '$[0]', a: 0.1, b: 0.1003 }])
  })

  it('compares everything else exactly: strings, booleans, null, array lengths and missing keys', () => {
    expect(numericDifferences({ s: 'x', t: true, n: null }, { s: 'x', t: true, n: null }, 1e-4)).toEqual([])
    expect(numericDifferences({ s: 'x' }, { s: 'y' }, 1e-4)).toEqual([{ path: '$.s', a: 'x', b: 'y' }])
    expect(numericDifferences([1, 2], [1], 1e-4)).toEqual([{ path: '$.length', a: 2, b: 1 }])
    expect(numericDifferences({ a: 1 }, { b: 1 }, 1e-4)).toEqual([
      { path: '$.a', a: 1, b: undefined },
      { path: '$.b', a: undefined, b: 1 },
    ])
    expect(numericDifferences(Number.NaN, Number.NaN, 1e-4)).toEqual([])
    expect(numericDifferences(Number.NaN, 0, 1e-4)).toHaveLength(1)
  })
})
