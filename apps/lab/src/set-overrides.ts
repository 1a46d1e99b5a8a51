import { InvalidConfigError } from '@cl/core'

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Apply `key.path=value` lines (the lab's "more settings" box, `cl-reproduce run --set` syntax) to a config object in
 * place: values are JSON where they parse as JSON (numbers, booleans, arrays, objects), else strings; objects on the
 * way are created, anything else at the path is replaced.
 */
export function applySets(config: Record<string, unknown>, sets: readonly string[]): void {
  for (const line of sets) {
    const eq = line.indexOf('=')
    if (eq <= 0) throw new InvalidConfigError('set', 'key.path=value (e.g. generator.thresholdDraws=50)', line)
    const keys = line.slice(0, eq).trim().split('.')
    if (keys.some((k) => k === '' || FORBIDDEN_KEYS.has(k))) throw new InvalidConfigError('set', 'a dotted key of identifiers', line)
    const raw = line.slice(eq + 1).trim()
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      value = raw
    }
    let node = config
    for (const key of keys.slice(0, -1)) {
      const next = node[key]
      node = (node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>
    }
    node[keys[keys.length - 1]!] = value
  }
}
