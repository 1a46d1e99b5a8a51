import { describe, expect, it } from 'vitest'
import { mergeConfig, parseOverrides } from './overrides.js'

describe('--set overrides', () => {
  it('parse dotted keys and JSON values', () => {
    expect(parseOverrides(['steps=10', 'optim.lr=0.001', 'name=box', 'taus=[1,0.5]', 'flag=true'])).toEqual({
      steps: 10,
      optim: { lr: 0.001 },
      name: 'box',
      taus: [1, 0.5],
      flag: true,
    })
  })
  it('reject malformed pairs and prototype keys', () => {
    expect(() => parseOverrides(['steps'])).toThrow(/invalid --set/)
    expect(() => parseOverrides(['__proto__.x=1'])).toThrow(/invalid --set/)
  })
  it('merge deeply without mutating the preset', () => {
    const preset = { a: 1, b: { c: 2, d: 3 } }
    expect(mergeConfig(preset, { b: { c: 5 } })).toEqual({ a: 1, b: { c: 5, d: 3 } })
    expect(preset.b.c).toBe(2)
  })
})
