import { describe, expect, it } from 'vitest'

import { InvalidConfigError, isClError } from './errors.js'
import { assertIntegerInRange, assertOptionKeys, assertPositive } from './validate.js'

function thrown(fn: () => void): InvalidConfigError {
  try {
    fn()
  } catch (error) {
    if (isClError(error, 'CL_INVALID_CONFIG')) return error as InvalidConfigError
    throw error
  }
  throw new Error('expected an InvalidConfigError')
}

describe('assertOptionKeys', () => {
  const allowed = ['tau', 'checkFinite'] as const
  it('accepts a plain object with known keys (or none), including a null-prototype object', () => {
    expect(() => assertOptionKeys('options', {}, allowed)).not.toThrow()
    expect(() => assertOptionKeys('options', { tau: 0.1, checkFinite: true }, allowed)).not.toThrow()
    expect(() => assertOptionKeys('options', Object.assign(Object.create(null) as object, { tau: 1 }), allowed)).not.toThrow()
  })
  it('names the unknown key under its root and lists the allowed keys', () => {
    const e = thrown(() => assertOptionKeys('ntXent.options', { temprature: 0.1 }, allowed))
    expect(e.field).toBe('ntXent.options.temprature')
    expect(e.message).toBe('invalid ntXent.options.temprature: expected one of the keys tau, checkFinite, received "temprature"')
  })
  it('rejects everything that is not a plain options object, undefined included', () => {
    for (const bad of [undefined, null, 3, 'tau', [1], new Map(), new Date(0)]) {
      const e = thrown(() => assertOptionKeys('options', bad, allowed))
      expect(e.field).toBe('options')
      expect(e.allowed).toBe('an options object')
    }
  })
})

describe('assertPositive', () => {
  it('accepts finite numbers > 0 and rejects the rest with the field and the value', () => {
    for (const ok of [Number.MIN_VALUE, 0.07, 1e300]) expect(() => assertPositive('tau', ok)).not.toThrow()
    for (const bad of [0, -0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1', null]) {
      const e = thrown(() => assertPositive('tau', bad))
      expect(e.field).toBe('tau')
      expect(e.allowed).toBe('a finite number > 0')
      expect(Object.is(e.received, bad)).toBe(true)
    }
  })
})

describe('assertIntegerInRange', () => {
  it('checks integrality and both ends inclusively', () => {
    expect(() => assertIntegerInRange('dims', 1, 1)).not.toThrow()
    expect(() => assertIntegerInRange('contentDims', 10, 0, 10)).not.toThrow()
    expect(() => assertIntegerInRange('seed', Number.MAX_SAFE_INTEGER, 0)).not.toThrow()
    expect(thrown(() => assertIntegerInRange('contentDims', 11, 0, 10)).message).toBe(
      'invalid contentDims: expected an integer in [0, 10], received 11',
    )
    expect(thrown(() => assertIntegerInRange('dims', 0, 1)).allowed).toBe('an integer ≥ 1')
    for (const bad of [1.5, Number.NaN, '3', Number.MAX_SAFE_INTEGER + 1]) {
      expect(thrown(() => assertIntegerInRange('seed', bad, 0)).field).toBe('seed')
    }
  })
})
