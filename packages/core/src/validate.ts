/**
 * Argument checks shared by every `@cl/*` package at its public boundary. Each throws an {@link InvalidConfigError}
 * naming the field, the allowed range and the value received; none reads tensor data.
 */
import { InvalidConfigError } from './errors.js'

/** True for `{}`-literal-like objects (prototype `Object.prototype` or `null`), not arrays, tensors or class instances. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * `options` must be a plain object whose keys all belong to `allowed` (catches typos such as `hiddenWidth` or
 * `temprature`, which would otherwise be ignored silently). An absent options argument is the caller's decision: pass
 * `options ?? {}` where options are optional.
 */
export function assertOptionKeys(field: string, options: unknown, allowed: readonly string[]): void {
  if (!isPlainObject(options)) throw new InvalidConfigError(field, 'an options object', options)
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new InvalidConfigError(`${field}.${key}`, `one of the keys ${allowed.join(', ')}`, key)
  }
}

/** A finite number > 0 (temperatures, p, scales). */
export function assertPositive(field: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
    throw new InvalidConfigError(field, 'a finite number > 0', value)
  }
}

/** An integer in [min, max] (no max: any safe integer ≥ min): dimensions, counts, seeds. */
export function assertIntegerInRange(field: string, value: unknown, min: number, max?: number): asserts value is number {
  const upper = max ?? Number.MAX_SAFE_INTEGER
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > upper) {
    const allowed = max === undefined ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`
    throw new InvalidConfigError(field, allowed, value)
  }
}
