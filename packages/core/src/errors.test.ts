import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseConfig } from './config.js'
import { ClError, InvalidConfigError, ShapeMismatchError, isClError, type ClErrorCode } from './errors.js'

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
  })

  it('other packages and applications define their own CL_* codes, matched the same way', () => {
    class DivergenceWarning extends ClError {
      constructor() {
        super('CL_APP_SPECIFIC', 'an application error')
        this.name = 'DivergenceWarning'
      }
    }
    const e = new DivergenceWarning()
    expect(isClError(e)).toBe(true)
    expect(isClError(e, 'CL_APP_SPECIFIC')).toBe(true)
    expect(isClError(e, 'CL_INVALID_CONFIG')).toBe(false)
    if (isClError(e, 'CL_APP_SPECIFIC')) {
      const code: 'CL_APP_SPECIFIC' = e.code // narrowed to the asked code
      expect(code).toBe('CL_APP_SPECIFIC')
    }
    // Compile-time: a code must be CL_ + upper case.
    // @ts-expect-error lower-case suffix is not a ClErrorCode
    const bad: ClErrorCode = 'CL_lower'
    // @ts-expect-error missing prefix
    const bad2: ClErrorCode = 'INVALID'
    // At run time, isClError only accepts the same shape.
    expect(isClError(Object.assign(new Error('x'), { code: bad }))).toBe(false)
    expect(isClError(Object.assign(new Error('x'), { code: bad2 }))).toBe(false)
    expect(isClError({ code: 'CL_' })).toBe(false)
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
