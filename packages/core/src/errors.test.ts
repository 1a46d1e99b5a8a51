import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseConfig } from './config.js'
import { ClError, InvalidConfigError, MissingKernelsError, ShapeMismatchError, isClError } from './errors.js'

describe('typed errors', () => {
  it('carry a stable name and code and name the field and allowed range', () => {
    const e = new InvalidConfigError('contentDims', 'an integer in [0, 10]', 12)
    expect(e).toBeInstanceOf(ClError)
    expect(e.name).toBe('InvalidConfigError')
    expect(e.code).toBe('CL_INVALID_CONFIG')
    expect(e.message).toBe('invalid contentDims: expected an integer in [0, 10], received 12')
    expect(isClError(e, 'CL_INVALID_CONFIG')).toBe(true)
    expect(isClError(e, 'CL_SHAPE_MISMATCH')).toBe(false)
    expect(isClError(new Error('x'))).toBe(false)
  })

  it('isClError recognises a structurally equal error from another module copy', () => {
    const foreign = Object.assign(new Error('copy'), { name: 'ShapeMismatchError', code: 'CL_SHAPE_MISMATCH' })
    expect(isClError(foreign, 'CL_SHAPE_MISMATCH')).toBe(true)
  })

  it('formats shapes and kernel lists', () => {
    expect(new ShapeMismatchError('fPositive', [null, 4], [8, 3]).message).toBe('fPositive: expected shape [*, 4], received [8, 3]')
    expect(new MissingKernelsError('wasm', ['Conv2DBackpropFilter']).message).toMatch(/wasm.*Conv2DBackpropFilter/)
  })
})

describe('parseConfig', () => {
  const schema = z.object({ dims: z.number().int().positive(), sub: z.object({ sigma: z.number().positive() }) })
  it('returns the parsed value', () => {
    expect(parseConfig(schema, { dims: 3, sub: { sigma: 1 } })).toEqual({ dims: 3, sub: { sigma: 1 } })
  })
  it('throws InvalidConfigError naming the nested field and the received value', () => {
    try {
      parseConfig(schema, { dims: 3, sub: { sigma: -2 } }, 'dgp')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidConfigError)
      const err = e as InvalidConfigError
      expect(err.field).toBe('dgp.sub.sigma')
      expect(err.received).toBe(-2)
      expect(err.message).toMatch(/^invalid dgp\.sub\.sigma: expected .*0.*, received -2$/)
    }
  })
})
