import type { FieldId, LabExperimentId } from './settings.js'

/** A config object being built from a preset (a deep copy): fields write into it by key path. */
export type MutableConfig = Record<string, any>

/** A form field that sets config keys of the experiment. */
export interface FieldBinding {
  readonly kind: 'binding'
  /** The paper's symbol (§4.1). */
  readonly label: string
  /** The config keys it writes, shown beside the field. */
  readonly keys: string
  readonly input: 'int' | 'number' | { readonly options: readonly string[] }
  /** The field's value in `config` (the preset's value is the field's placeholder). */
  current(config: MutableConfig): string
  apply(config: MutableConfig, value: number | string): void
}

/** A field the experiment has no config key for, and why (shown disabled, with the reason). */
export interface FieldNotApplicable {
  readonly kind: 'not-applicable'
  readonly label: string
  readonly reason: string
}

export type FieldSpec = FieldBinding | FieldNotApplicable

export const FIELD_LABELS: Record<FieldId, string> = { d: 'd', dc: 'd_c', tc: 'τ_c', ts: 'τ_s', space: 'space', norm: 'normalisation', batch: 'batch', steps: 'steps' }

/**
 * Order in which fields are applied: τ_s first, so that the variants trained with τ_c = τ_s follow it before τ_c is
 * given to the others (fig1-r2).
 */
export const APPLY_ORDER: readonly FieldId[] = ['ts', 'd', 'dc', 'tc', 'space', 'norm', 'batch', 'steps']

const na = (id: FieldId, reason: string): FieldNotApplicable => ({ kind: 'not-applicable', label: FIELD_LABELS[id], reason })

function bind(id: FieldId, keys: string, input: FieldBinding['input'], current: FieldBinding['current'], apply: FieldBinding['apply']): FieldBinding {
  return { kind: 'binding', label: FIELD_LABELS[id], keys, input, current, apply }
}

const SPACE_OPTIONS = ['both', 'box', 'sphere'] as const

/** The spaces present in a fig1-spectrum config. */
function spectrumSpaces(c: MutableConfig): ('box' | 'sphere')[] {
  return (['box', 'sphere'] as const).filter((s) => c.spaces?.[s] !== undefined)
}

/** Fig. 1 left (§4.1 linear DGP): the d_c field makes the sweep [0, d_c] and is the d_c of the Prop. 3 runs. */
function fig1SpectrumFields(): Record<FieldId, FieldSpec> {
  const train = (key: 'steps' | 'batchSize') =>
    [
      (c: MutableConfig) => String(c.spaces[spectrumSpaces(c)[0] ?? 'box']?.train[key] ?? ''),
      (c: MutableConfig, v: number | string) => {
        for (const s of spectrumSpaces(c)) c.spaces[s].train[key] = v
      },
    ] as const
  return {
    d: bind('d', 'dims', 'int', (c) => String(c.dims), (c, v) => void (c.dims = v)),
    dc: bind('dc', 'contentDims = [0, d_c], prop3.contentDims', 'int', (c) => String(c.prop3.contentDims), (c, v) => {
      c.contentDims = [0, v]
      c.prop3.contentDims = v
    }),
    tc: bind('tc', 'prop3.tauContent', 'number', (c) => String(c.prop3.tauContent), (c, v) => void (c.prop3.tauContent = v)),
    ts: bind('ts', 'tauStyle', 'number', (c) => String(c.tauStyle), (c, v) => void (c.tauStyle = v)),
    space: bind('space', 'spaces (the other space is left out)', { options: SPACE_OPTIONS }, (c) => (spectrumSpaces(c).length === 2 ? 'both' : spectrumSpaces(c)[0] ?? 'both'), (c, v) => {
      if (v === 'box') delete c.spaces.sphere
      if (v === 'sphere') delete c.spaces.box
    }),
    norm: na('norm', 'the sphere is trained both with and without the ℓ2-normalisation (§4.1 "we further need to remove the ℓ2-normalization")'),
    batch: bind('batch', 'spaces.*.train.batchSize', 'int', ...train('batchSize')),
    steps: bind('steps', 'spaces.*.train.steps', 'int', ...train('steps')),
  }
}

/**
 * Fig. 1 middle / right (§4.1 nonlinear DGP): τ_s is every τ_c = τ_s variant's temperature too, τ_c that of the others
 * (the fixes); on the sphere "normalisation" is the ℓ2-normalisation of the variants trained with it.
 */
function fig1R2Fields(space: 'box' | 'sphere'): Record<FieldId, FieldSpec> {
  const variants = (c: MutableConfig) => c.variants as { tauContent: number; normalize: boolean; contentDims?: number }[]
  return {
    d: bind('d', 'dims', 'int', (c) => String(c.dims), (c, v) => void (c.dims = v)),
    dc: bind('dc', 'contentDims (the control keeps d_c = 0)', 'int', (c) => String(c.contentDims), (c, v) => void (c.contentDims = v)),
    tc: bind('tc', 'variants[τ_c ≠ τ_s].tauContent', 'number', (c) => String(variants(c).find((x) => x.tauContent !== c.tauStyle)?.tauContent ?? ''), (c, v) => {
      for (const x of variants(c)) if (x.tauContent !== c.tauStyle) x.tauContent = v as number
    }),
    ts: bind('ts', 'tauStyle, variants[τ_c = τ_s].tauContent', 'number', (c) => String(c.tauStyle), (c, v) => {
      for (const x of variants(c)) if (x.tauContent === c.tauStyle) x.tauContent = v as number
      c.tauStyle = v
    }),
    space: na('space', `fixed by the experiment: fig1-r2-${space} (choose fig1-r2-${space === 'box' ? 'sphere' : 'box'} for the other space)`),
    norm:
      space === 'sphere'
        ? bind('norm', 'variants[normalised in the preset].normalize', { options: ['on', 'off'] }, (c) => (variants(c).some((x) => x.normalize) ? 'on' : 'off'), (c, v) => {
            for (const x of variants(c)) if (x.normalize) x.normalize = v === 'on'
          })
        : na('norm', 'the box is trained with the Lp InfoNCE on unnormalised outputs'),
    batch: bind('batch', 'train.batchSize', 'int', (c) => String(c.train.batchSize), (c, v) => void (c.train.batchSize = v)),
    steps: bind('steps', 'train.steps', 'int', (c) => String(c.train.steps), (c, v) => void (c.train.steps = v)),
  }
}

/** Table 1: one scalar τ; both spaces, the sphere always with ℓ2-normalised outputs. */
function table1Fields(): Record<FieldId, FieldSpec> {
  return {
    d: bind('d', 'dims', 'int', (c) => String(c.dims), (c, v) => void (c.dims = v)),
    dc: bind('dc', 'box.contentDims, sphere.contentDims', 'int', (c) => `${c.box.contentDims}`, (c, v) => {
      c.box.contentDims = v
      c.sphere.contentDims = v
    }),
    tc: na('tc', 'Table 1 uses one scalar τ for every output (set τ_s)'),
    ts: bind('ts', 'tau (scalar τ)', 'number', (c) => String(c.tau), (c, v) => void (c.tau = v)),
    space: na('space', 'Table 1 reports both spaces'),
    norm: na('norm', 'Table 1: the sphere uses the cosine InfoNCE on ℓ2-normalised outputs, the box none'),
    batch: bind('batch', 'train.batchSize', 'int', (c) => String(c.train.batchSize), (c, v) => void (c.train.batchSize = v)),
    steps: bind('steps', 'train.steps', 'int', (c) => String(c.train.steps), (c, v) => void (c.train.steps = v)),
  }
}

/** How the lab's form fields map onto an experiment's config keys. */
export function fieldsFor(id: LabExperimentId): Record<FieldId, FieldSpec> {
  switch (id) {
    case 'fig1-spectrum':
      return fig1SpectrumFields()
    case 'fig1-r2-box':
      return fig1R2Fields('box')
    case 'fig1-r2-sphere':
      return fig1R2Fields('sphere')
    case 'table1':
      return table1Fields()
  }
}
