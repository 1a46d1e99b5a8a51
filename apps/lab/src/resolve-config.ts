import { InvalidConfigError, parseConfig } from '@cl/core'
import { mergeConfig, parseOverrides, type Experiment } from '@cl/reproduce/browser'
import { APPLY_ORDER, fieldsFor, type FieldSpec, type MutableConfig } from './fields.js'
import type { LabSettings } from './settings.js'

/** A typed field value from the form's text: integers and numbers checked, options one of the listed. */
export function parseFieldValue(spec: FieldSpec, raw: string): number | string {
  if (spec.kind === 'not-applicable') throw new InvalidConfigError(spec.label, `no value for this experiment (${spec.reason})`, raw)
  if (typeof spec.input === 'object') {
    if (!spec.input.options.includes(raw)) throw new InvalidConfigError(spec.label, `one of ${spec.input.options.join(', ')}`, raw)
    return raw
  }
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidConfigError(spec.label, spec.input === 'int' ? 'an integer' : 'a number', raw)
  if (spec.input === 'int' && !Number.isInteger(n)) throw new InvalidConfigError(spec.label, 'an integer', raw)
  return n
}

/**
 * The config a lab run uses: the experiment's preset, the form fields mapped onto its keys (`fields.ts`), then the
 * `--set`-style lines, validated by the experiment's own `configSchema` and `preflight` — the same checks, and the same
 * error texts (`invalid config.dims: …`), as `cl-reproduce run`.
 */
export function resolveLabConfig<C>(experiment: Experiment<C>, settings: LabSettings): C {
  if (!Number.isInteger(settings.seed) || settings.seed < 0) throw new InvalidConfigError('seed', 'an integer >= 0', settings.seed)
  if (!Number.isInteger(settings.every) || settings.every < 1) throw new InvalidConfigError('K (spectrum every K steps)', 'an integer >= 1', settings.every)
  const config = structuredClone(experiment.presets[settings.preset]) as MutableConfig
  const specs = fieldsFor(settings.experiment)
  for (const id of APPLY_ORDER) {
    const raw = settings.fields[id]
    if (raw === undefined) continue
    const spec = specs[id]
    const value = parseFieldValue(spec, raw)
    if (spec.kind === 'binding') spec.apply(config, value)
  }
  // the "more settings" lines are `cl-reproduce run --set` pairs, parsed and merged by the CLI's own code
  const parsed = parseConfig(experiment.configSchema, mergeConfig(config, parseOverrides(settings.sets.map((l) => l.trim()))), 'config') as C
  experiment.preflight?.(parsed, {})
  return parsed
}
