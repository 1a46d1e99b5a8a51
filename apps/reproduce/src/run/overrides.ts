import { InvalidConfigError } from '@cl/core'

/** Parse `--set key.path=value` pairs; values are JSON when they parse as JSON (numbers, booleans, arrays), else strings. */
export function parseOverrides(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new InvalidConfigError('--set', 'key=value (e.g. --set steps=2000)', pair)
    const keys = pair.slice(0, eq).split('.')
    if (keys.some((k) => k === '' || k === '__proto__' || k === 'constructor' || k === 'prototype')) {
      throw new InvalidConfigError('--set', 'a dotted key of identifiers', pair)
    }
    const raw = pair.slice(eq + 1)
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      value = raw
    }
    let node = out
    for (const key of keys.slice(0, -1)) {
      const next = node[key]
      node = (node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>
    }
    node[keys[keys.length - 1]!] = value
  }
  return out
}

/** Deep-merge `overrides` into `base` (objects merge, everything else replaces). Returns a new object. */
export function mergeConfig(base: unknown, overrides: Record<string, unknown>): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return overrides
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(overrides)) {
    const prev = out[key]
    out[key] =
      typeof value === 'object' && value !== null && !Array.isArray(value) && typeof prev === 'object' && prev !== null && !Array.isArray(prev)
        ? mergeConfig(prev, value as Record<string, unknown>)
        : value
  }
  return out
}
