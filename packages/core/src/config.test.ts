import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseConfig } from './config.js'
import { InvalidConfigError } from './errors.js'

function failure(schema: z.ZodType, input: unknown, root?: string): InvalidConfigError {
  try {
    parseConfig(schema, input, root)
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidConfigError)
    return e as InvalidConfigError
  }
  throw new Error('parseConfig accepted the input')
}

describe('parseConfig error messages', () => {
  const schema = z
    .strictObject({
      dims: z.number().int().min(2),
      taus: z.array(z.number().positive()).min(2),
      space: z.enum(['box', 'sphere']),
      train: z.strictObject({ steps: z.number().int().min(1), learningRate: z.number().positive() }),
      box: z.strictObject({ contentDims: z.number().int().min(1) }).optional(),
    })
    .refine((c) => c.box === undefined || c.box.contentDims < c.dims, { message: 'contentDims < dims (style must exist)', path: ['box', 'contentDims'] })
  const ok = { dims: 4, taus: [1, 0.5], space: 'box', train: { steps: 10, learningRate: 0.1 } }

  it('a wrong type says "received" once, with the value', () => {
    expect(failure(schema, { ...ok, dims: 'abc' }).message).toBe('invalid config.dims: expected a number, received "abc"')
    expect(failure(schema, { ...ok, dims: 2.5 }).message).toBe('invalid config.dims: expected an integer, received 2.5')
    expect(failure(schema, { ...ok, train: 3 }).message).toBe('invalid config.train: expected an object, received 3')
  })

  it('bounds of numbers and arrays, and enums', () => {
    expect(failure(schema, { ...ok, dims: 1 }).message).toBe('invalid config.dims: expected a number >= 2, received 1')
    expect(failure(schema, { ...ok, train: { steps: 10, learningRate: 0 } }).message).toBe('invalid config.train.learningRate: expected a number > 0, received 0')
    expect(failure(schema, { ...ok, taus: [1] }).message).toBe('invalid config.taus: expected at least 2 items, received [1]')
    expect(failure(schema, { ...ok, taus: [1, -1] }).field).toBe('config.taus.1')
    expect(failure(schema, { ...ok, space: 'cube' }).message).toBe('invalid config.space: expected one of "box" | "sphere", received "cube"')
  })

  it('a refinement blames the path it declares, with its own message', () => {
    const e = failure(schema, { ...ok, box: { contentDims: 12 } }, 'table1')
    expect(e.field).toBe('table1.box.contentDims')
    expect(e.message).toBe('invalid table1.box.contentDims: expected contentDims < dims (style must exist), received 12')
  })

  it('an unknown key is named itself, with the keys its object accepts (also inside optional objects)', () => {
    const top = failure(schema, { ...ok, dimz: 3 })
    expect(top.field).toBe('config.dimz')
    expect(top.received).toBe(3)
    expect(top.message).toBe('invalid config.dimz: expected a key of config (one of: dims, taus, space, train, box), received 3')
    expect(failure(schema, { ...ok, train: { ...ok.train, stpes: 5 } }).message).toBe(
      'invalid config.train.stpes: expected a key of config.train (one of: steps, learningRate), received 5',
    )
    expect(failure(schema, { ...ok, box: { contentDims: 1, sigma: 1 } }).message).toMatch(/^invalid config\.box\.sigma: expected a key of config\.box \(one of: contentDims\)/)
  })
})
