import { describe, expect, it } from 'vitest'
import { MAX_SEED, MAX_SEEDS, assertSeedRange, parseIntegerArg } from './seed-range.js'

describe('seed range', () => {
  it('accepts ranges inside [0, 2^53 − 1] and refuses one that leaves it at the last seed', () => {
    expect(MAX_SEED).toBe(2 ** 53 - 1)
    expect(() => assertSeedRange(0, 1)).not.toThrow()
    expect(() => assertSeedRange(MAX_SEED, 1)).not.toThrow()
    expect(() => assertSeedRange(MAX_SEED - 1, 2)).not.toThrow()
    expect(() => assertSeedRange(MAX_SEED, 2)).toThrow(`invalid --seed: expected an integer in [0, ${MAX_SEED - 1}] so that all 2 seeds`)
    expect(() => assertSeedRange(-1, 1)).toThrow(/invalid --seed/)
    expect(() => assertSeedRange(0.5, 1)).toThrow(/invalid --seed/)
  })
  it(`bounds --seeds to [1, ${MAX_SEEDS}]`, () => {
    expect(() => assertSeedRange(0, MAX_SEEDS)).not.toThrow()
    expect(() => assertSeedRange(0, MAX_SEEDS + 1)).toThrow(`invalid --seeds: expected an integer in [1, ${MAX_SEEDS}], received ${MAX_SEEDS + 1}`)
    expect(() => assertSeedRange(0, 0)).toThrow(/invalid --seeds/)
  })
  it('parses CLI integers strictly (no empty string, exponent, hex, sign or spaces)', () => {
    expect(parseIntegerArg('--seed', '42', 0, MAX_SEED)).toBe(42)
    expect(parseIntegerArg('--seed', String(MAX_SEED), 0, MAX_SEED)).toBe(MAX_SEED)
    for (const bad of ['', ' ', '1e9', '0x10', '-1', '+1', '1.0', ' 1', '9007199254740992', '99999999999999999999']) {
      expect(() => parseIntegerArg('--seed', bad, 0, MAX_SEED), bad).toThrow(/invalid --seed: expected an integer in \[0, 9007199254740991\]/)
    }
    expect(() => parseIntegerArg('--seeds', '1001', 1, 1000)).toThrow(/invalid --seeds/)
  })
})
