import { expect } from 'vitest'

/** Deep equality with numbers compared to an absolute tolerance (strings, booleans, keys and lengths exactly). */
export function expectCloseTo(actual: unknown, expected: unknown, tolerance = 1e-12, at = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected)) expect(Number.isNaN(actual), at).toBe(true)
    else expect(Math.abs(actual - expected), `${at}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance)
    return
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${at} is an array`).toBe(true)
    expect((actual as unknown[]).length, `${at}.length`).toBe(expected.length)
    expected.forEach((e, i) => expectCloseTo((actual as unknown[])[i], e, tolerance, `${at}[${i}]`))
    return
  }
  if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null, `${at} is an object`).toBe(true)
    expect(Object.keys(actual as object).sort(), `${at} keys`).toEqual(Object.keys(expected).sort())
    for (const [k, v] of Object.entries(expected)) expectCloseTo((actual as Record<string, unknown>)[k], v, tolerance, `${at}.${k}`)
    return
  }
  expect(actual, at).toEqual(expected)
}
