import { InvalidConfigError, parseConfig } from '@cl/core'
import type { Experiment, PresetName } from '../experiments/experiment.js'
import { configKeys } from './config-keys.js'
import { mergeConfig } from './overrides.js'

/** Resolve an experiment's config: its preset merged with `--set` overrides, validated by its schema. */
export function resolveConfig<C>(experiment: Experiment<C>, preset: PresetName, overrides: Record<string, unknown>): C {
  // Unknown keys are refused by name even where a schema would strip them silently (a non-strict object).
  const unknown = unknownKey(overrides, new Set(configKeys(experiment as Experiment<unknown>).map((k) => k.key)))
  if (unknown !== undefined) throw unknownKeyError(experiment, unknown.key, unknown.value)
  const base = experiment.presets[preset]
  try {
    return parseConfig(experiment.configSchema, mergeConfig(base, overrides), 'config') as C
  } catch (error) {
    const cause = (error as { cause?: { issues?: { code?: string }[] } }).cause
    if (error instanceof InvalidConfigError && cause?.issues?.[0]?.code === 'unrecognized_keys') {
      throw unknownKeyError(experiment, error.field.replace(/^config\./, ''), error.received, error)
    }
    throw error
  }
}

function unknownKeyError(experiment: Experiment<any>, key: string, value: unknown, cause?: unknown): InvalidConfigError {
  const valid = configKeys(experiment as Experiment<unknown>).map((k) => k.key)
  return new InvalidConfigError(
    `--set ${key}`,
    `a config key of '${experiment.id}' (one of: ${valid.join(', ')}; see 'cl-reproduce config ${experiment.id} --keys')`,
    value,
    cause !== undefined ? { cause } : undefined,
  )
}

/** The first override path that is neither a listed key nor an object on the way to one. */
function unknownKey(overrides: Record<string, unknown>, keys: ReadonlySet<string>, prefix = ''): { key: string; value: unknown } | undefined {
  for (const [k, value] of Object.entries(overrides)) {
    const key = prefix === '' ? k : `${prefix}.${k}`
    if (keys.has(key)) continue
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
    if (!isObject || ![...keys].some((known) => known.startsWith(`${key}.`))) return { key, value }
    const inner = unknownKey(value as Record<string, unknown>, keys, key)
    if (inner !== undefined) return inner
  }
  return undefined
}
