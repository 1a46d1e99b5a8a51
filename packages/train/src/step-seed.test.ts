import { createRng } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { stepSeed } from './step-seed.js'

describe('stepSeed', () => {
  it('is the first uint32 of createRng(seed).fork(key).fork(step)', () => {
    expect(stepSeed(1, 'a', 5)).toBe(createRng(1).fork('a').fork(5).nextUint32())
    expect(stepSeed(1, 'a', 5)).toBe(stepSeed(1, 'a', 5))
  })

  it('differs across steps, keys and seeds (10 000 values, no collisions expected at 2^32)', () => {
    const seen = new Set<number>()
    for (let seed = 0; seed < 5; seed++) for (const key of ['a', 'b']) for (let step = 0; step < 1000; step++) seen.add(stepSeed(seed, key, step))
    expect(seen.size).toBe(10_000)
    for (const v of seen) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true)
  })

  it('accepts the whole seed range and names the field it rejects', () => {
    expect(() => stepSeed(Number.MAX_SAFE_INTEGER, 'a', 0)).not.toThrow()
    for (const seed of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) expect(() => stepSeed(seed, 'a', 0)).toThrow(/invalid seed: expected an integer in \[0, 9007199254740991\]/)
    expect(() => stepSeed(0, '', 0)).toThrow(/invalid key/)
    expect(() => stepSeed(0, 'a', -1)).toThrow(/invalid step/)
  })
})
