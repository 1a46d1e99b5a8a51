import { InvalidConfigError } from '@cl/core'
import type { GridAxis } from './manifest.js'

/** The most grid points × seeds one sweep may expand to (a typo such as `--grid steps=1,…` ×100 seeds is refused). */
export const MAX_SWEEP_TASKS = 10_000

/** Split `v1,v2,…` at the commas outside brackets, braces and double quotes, so `[0,1],[0,2]` is two values. */
export function splitValues(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '\\') i++
      else if (c === '"') quoted = false
    } else if (c === '"') quoted = true
    else if (c === '[' || c === '{') depth++
    else if (c === ']' || c === '}') depth--
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}

/** A `--set`-style value: JSON where it parses as JSON (numbers, booleans, arrays), else the string itself. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Parse `--grid key=v1,v2,…` options into axes, in the order given. Values split at top-level commas and are JSON
 * where they parse (as `--set` values are). Refused, naming the option: a missing `=`, an empty value, a repeated
 * value, a key given twice, or a key inside another grid key (`train` and `train.steps`).
 */
export function parseGrid(specs: readonly string[]): GridAxis[] {
  const axes: GridAxis[] = []
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    if (eq <= 0) throw new InvalidConfigError('--grid', 'key=v1,v2,… (e.g. --grid tau=0.5,1)', spec)
    const key = spec.slice(0, eq)
    if (!KEY.test(key) || key.split('.').some((k) => FORBIDDEN.has(k))) throw new InvalidConfigError('--grid', 'a dotted config key of identifiers (see cl-reproduce config <experiment> --keys)', spec)
    const raw = splitValues(spec.slice(eq + 1))
    if (raw.some((v) => v.trim() === '')) throw new InvalidConfigError(`--grid ${key}`, 'comma-separated values, none empty', spec)
    const values = raw.map((v) => parseValue(v.trim()))
    const seen = new Set<string>()
    for (const v of values) {
      const id = JSON.stringify(v)
      if (seen.has(id)) throw new InvalidConfigError(`--grid ${key}`, 'distinct values', spec)
      seen.add(id)
    }
    const clash = axes.find((a) => a.key === key || a.key.startsWith(`${key}.`) || key.startsWith(`${a.key}.`))
    if (clash !== undefined) throw new InvalidConfigError(`--grid ${key}`, `a key that is not given twice and not inside another grid key (already: ${clash.key})`, spec)
    axes.push({ key, values })
  }
  return axes
}

/** Every grid point, the first axis varying slowest (one point, `{}`, for an empty grid). */
export function gridPoints(axes: readonly GridAxis[]): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}]
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.key]: v })))
  return points
}

/** `key = value, …` (values as JSON) for logs and reports; `(no grid)` for the single point of an empty grid. */
export function formatPoint(point: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(point)
  return entries.length === 0 ? '(no grid)' : entries.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')
}

/** A dotted-key point as the nested object `--set` overrides are (`{ 'train.steps': 5 }` → `{ train: { steps: 5 } }`). */
export function nestPoint(point: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [dotted, value] of Object.entries(point)) {
    const keys = dotted.split('.')
    let node = out
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>
    node[keys[keys.length - 1]!] = value
  }
  return out
}

/** Nested overrides as `key.path=value` strings for `--set` (objects recurse; arrays and scalars are leaves, JSON-encoded). */
export function flattenOverrides(overrides: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(overrides).flatMap(([k, v]) => {
    const key = prefix === '' ? k : `${prefix}.${k}`
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? flattenOverrides(v as Record<string, unknown>, key) : [`${key}=${JSON.stringify(v)}`]
  })
}
