import type { z } from 'zod'
import { InvalidConfigError } from './errors.js'

type Issue = z.core.$ZodIssue

/**
 * Validate `input` against a zod schema at a package boundary. On failure throws an
 * {@link InvalidConfigError} naming the first offending field (dotted path under `root`), what it allows and the
 * value it received. An unknown key of a strict object is named itself (`config.train.stpes`), with the keys
 * that object accepts.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, root = 'config'): z.output<S> {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  if (issue === undefined) throw new InvalidConfigError(root, 'a valid value', input, { cause: parsed.error })
  const path = issue.path.map(String)
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? ''
    const known = knownKeys(schema, path)
    const where = [root, ...path].join('.')
    const allowed = known === undefined ? `no key '${key}' in ${where}` : `a key of ${where} (one of: ${known.join(', ')})`
    throw new InvalidConfigError([root, ...path, key].join('.'), allowed, valueAt(input, [...path, key]), { cause: parsed.error })
  }
  throw new InvalidConfigError([root, ...path].join('.'), allowedFrom(issue), valueAt(input, path), { cause: parsed.error })
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let value = input
  for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
  return value
}

const ARTICLE: Record<string, string> = { int: 'an integer', integer: 'an integer', object: 'an object', array: 'an array' }

function bound(issue: { origin: string; inclusive?: boolean }, limit: unknown, below: boolean): string {
  const n = typeof limit === 'bigint' ? limit.toString() : String(limit)
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `${below ? 'at least' : 'at most'} ${n} item${n === '1' ? '' : 's'}`
    case 'string':
      return `${below ? 'at least' : 'at most'} ${n} character${n === '1' ? '' : 's'}`
    default: {
      const op = below ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<'
      return `a ${issue.origin === 'int' ? 'integer' : 'number'} ${op} ${n}`
    }
  }
}

/** What the field allows, as a phrase after "expected" (the received value is added by InvalidConfigError). */
function allowedFrom(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return ARTICLE[issue.expected] ?? `a ${issue.expected}`
    case 'too_small':
      return bound(issue, issue.minimum, true)
    case 'too_big':
      return bound(issue, issue.maximum, false)
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`
    default:
      // refinements and the rest: the schema's own message, without zod's generic prefix and any trailing "received …"
      return issue.message.replace(/^(Invalid input|Invalid option|Invalid value)\s*:\s*/i, '').replace(/^expected\s+/i, '').replace(/,\s*received\s+.*$/i, '')
  }
}

interface SchemaDef {
  readonly type: string
  readonly shape?: Record<string, { _zod: { def: SchemaDef } }>
  readonly innerType?: { _zod: { def: SchemaDef } }
  readonly in?: { _zod: { def: SchemaDef } }
  readonly element?: { _zod: { def: SchemaDef } }
}

/** The keys of the object schema at `path` (through optional/default/nullable/pipe wrappers and arrays), if any. */
function knownKeys(schema: z.ZodType, path: readonly string[]): string[] | undefined {
  const unwrap = (def: SchemaDef): SchemaDef => {
    for (;;) {
      const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined)
      if (inner === undefined) return def
      def = inner._zod.def
    }
  }
  let def = unwrap((schema as unknown as { _zod: { def: SchemaDef } })._zod.def)
  for (const key of path) {
    if (def.type === 'object' && def.shape?.[key] !== undefined) def = unwrap(def.shape[key]._zod.def)
    else if (def.type === 'array' && def.element !== undefined) def = unwrap(def.element._zod.def)
    else return undefined
  }
  return def.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : undefined
}
