import { InvalidConfigError } from '@cl/core'

/** The experiments the lab runs (§4.1: Fig. 1 left, middle, right and Table 1), by their CLI ids. */
export const LAB_EXPERIMENT_IDS = ['fig1-spectrum', 'fig1-r2-box', 'fig1-r2-sphere', 'table1'] as const
export type LabExperimentId = (typeof LAB_EXPERIMENT_IDS)[number]

/** Backends the lab can ask for: `auto` tries webgpu, webgl, wasm in that order. */
export const LAB_BACKEND_REQUESTS = ['auto', 'webgpu', 'webgl', 'wasm'] as const
export type LabBackendRequest = (typeof LAB_BACKEND_REQUESTS)[number]

/**
 * The form fields every experiment offers (the d, d_c, τ_c, τ_s, space, normalisation, batch, steps), each
 * mapped onto the experiment's own config keys by `fields.ts`; the URL parameter is the field's short name.
 */
export const FIELD_IDS = ['d', 'dc', 'tc', 'ts', 'space', 'norm', 'batch', 'steps'] as const
export type FieldId = (typeof FIELD_IDS)[number]

/** Everything a run is made of; exactly what the URL encodes (shareable). */
export interface LabSettings {
  readonly experiment: LabExperimentId
  readonly preset: 'quick' | 'paper'
  readonly seed: number
  readonly backend: LabBackendRequest
  /** The live spectrum is read every `every` training steps (K). */
  readonly every: number
  /** Raw field values as typed; an absent field keeps the preset's value. */
  readonly fields: Readonly<Partial<Record<FieldId, string>>>
  /** Further `key.path=value` overrides, as `cl-reproduce run --set` takes them, applied after the fields. */
  readonly sets: readonly string[]
}

export const DEFAULT_SETTINGS: LabSettings = { experiment: 'fig1-spectrum', preset: 'quick', seed: 0, backend: 'auto', every: 10, fields: {}, sets: [] }

function oneOf<T extends string>(field: string, allowed: readonly T[], value: string | null, fallback: T): T {
  if (value === null || value === '') return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InvalidConfigError(field, `one of ${allowed.join(', ')}`, value)
}

function integer(field: string, value: string | null, fallback: number, min: number): number {
  if (value === null || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new InvalidConfigError(field, `an integer >= ${min}`, value)
  return n
}

/** Settings from a page URL's query (`?exp=fig1-spectrum&seed=1&d=4&set=generator.thresholdDraws%3D50&backend=wasm`). */
export function settingsFromQuery(query: URLSearchParams): LabSettings {
  const fields: Partial<Record<FieldId, string>> = {}
  for (const id of FIELD_IDS) {
    const v = query.get(id)
    if (v !== null && v.trim() !== '') fields[id] = v.trim()
  }
  return {
    experiment: oneOf('url.exp', LAB_EXPERIMENT_IDS, query.get('exp'), DEFAULT_SETTINGS.experiment),
    preset: oneOf('url.preset', ['quick', 'paper'] as const, query.get('preset'), DEFAULT_SETTINGS.preset),
    seed: integer('url.seed', query.get('seed'), DEFAULT_SETTINGS.seed, 0),
    backend: oneOf('url.backend', LAB_BACKEND_REQUESTS, query.get('backend'), DEFAULT_SETTINGS.backend),
    every: integer('url.k', query.get('k'), DEFAULT_SETTINGS.every, 1),
    fields,
    sets: query.getAll('set').map((s) => s.trim()).filter((s) => s !== ''),
  }
}

/** The query that {@link settingsFromQuery} reads back to the same settings (defaults left out, so links stay short). */
export function settingsToQuery(settings: LabSettings): URLSearchParams {
  const q = new URLSearchParams()
  q.set('exp', settings.experiment)
  if (settings.preset !== DEFAULT_SETTINGS.preset) q.set('preset', settings.preset)
  q.set('seed', String(settings.seed))
  if (settings.backend !== DEFAULT_SETTINGS.backend) q.set('backend', settings.backend)
  if (settings.every !== DEFAULT_SETTINGS.every) q.set('k', String(settings.every))
  for (const id of FIELD_IDS) {
    const v = settings.fields[id]
    if (v !== undefined && v !== '') q.set(id, v)
  }
  for (const s of settings.sets) q.append('set', s)
  return q
}
