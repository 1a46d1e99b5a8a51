import { z } from 'zod'
import type { Experiment } from '../experiments/experiment.js'

/** One key `--set` accepts: its dotted path, type, allowed range and one-line meaning (from the schema). */
export interface ConfigKey {
  readonly key: string
  /** `integer`, `number`, `boolean`, `string`, `array of …`, or `any` where the schema has no JSON form. */
  readonly type: string
  /** Bounds, enum values or array length; empty when the type says everything. */
  readonly range: string
  /** The field's `.describe()` / `.meta({ description })` text; empty when the schema gives none. */
  readonly description: string
  /** False for a key the preset may leave out. */
  readonly required: boolean
}

/** The JSON Schema fields this module reads (zod 4's `z.toJSONSchema` output). */
interface JsonSchema {
  type?: string | string[]
  description?: string
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
}

/** zod's integer schemas carry the safe-integer bounds; they say nothing a user needs. */
const SAFE = Number.MAX_SAFE_INTEGER

function describeType(s: JsonSchema): string {
  if (s.enum !== undefined) return 'enum'
  if (s.const !== undefined) return 'constant'
  const alts = s.anyOf ?? s.oneOf
  if (alts !== undefined) return alts.map(describeType).join(' | ')
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type
  if (t === 'array') {
    if (s.items === undefined) return 'array'
    const inner = s.items.type === 'object' ? `{${Object.keys(s.items.properties ?? {}).join(', ')}}` : describeType(s.items)
    const range = describeRange(s.items)
    return `array of ${inner}${range !== '' ? ` ${range}` : ''}`
  }
  return t ?? 'any'
}

function describeRange(s: JsonSchema): string {
  if (s.enum !== undefined) return s.enum.map((v) => JSON.stringify(v)).join(' | ')
  if (s.const !== undefined) return JSON.stringify(s.const)
  const parts: string[] = []
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`)
  if (s.minimum !== undefined && s.minimum > -SAFE) parts.push(`>= ${s.minimum}`)
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`)
  if (s.maximum !== undefined && s.maximum < SAFE) parts.push(`<= ${s.maximum}`)
  if (s.minItems !== undefined) parts.push(`>= ${s.minItems} items`)
  if (s.maxItems !== undefined) parts.push(`<= ${s.maxItems} items`)
  if (s.minLength !== undefined && s.minLength > 0) parts.push(`>= ${s.minLength} chars`)
  if (s.maxLength !== undefined) parts.push(`<= ${s.maxLength} chars`)
  return parts.join(', ')
}

/**
 * Every leaf key an experiment's config schema accepts, as `--set` spells it (dotted path). Objects are walked (also
 * optional ones); arrays are leaves (set as JSON, e.g. `--set encoder.hiddenWidths=[100,100]`).
 */
export function configKeys(experiment: Pick<Experiment<unknown>, 'configSchema'>): ConfigKey[] {
  const root = z.toJSONSchema(experiment.configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  const keys: ConfigKey[] = []
  const walk = (s: JsonSchema, prefix: string, required: boolean): void => {
    if (s.type === 'object' && s.properties !== undefined) {
      const req = new Set(s.required ?? [])
      for (const [name, child] of Object.entries(s.properties)) walk(child, prefix === '' ? name : `${prefix}.${name}`, required && req.has(name))
      return
    }
    keys.push({ key: prefix, type: describeType(s), range: describeRange(s), description: s.description ?? '', required })
  }
  walk(root, '', true)
  return keys
}

/** The `config --keys` listing: one aligned line per key (key, type, range, meaning). */
export function formatConfigKeys(keys: readonly ConfigKey[]): string[] {
  const col = (f: (k: ConfigKey) => string) => Math.max(...keys.map((k) => f(k).length), 0)
  const name = (k: ConfigKey) => `${k.key}${k.required ? '' : '?'}`
  const wName = col(name)
  const wType = col((k) => k.type)
  const wRange = col((k) => k.range)
  return keys.map((k) => `${name(k).padEnd(wName)}  ${k.type.padEnd(wType)}  ${k.range.padEnd(wRange)}  ${k.description}`.trimEnd())
}
