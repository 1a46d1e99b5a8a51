import type { Experiment } from '@cl/reproduce/browser'
import { fieldsFor, type MutableConfig } from './fields.js'
import { FIELD_IDS, LAB_BACKEND_REQUESTS, LAB_EXPERIMENT_IDS, type FieldId, type LabExperimentId, type LabSettings } from './settings.js'

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

/** The settings form: run controls, one field per {@link FIELD_IDS} (per experiment), and the `--set` lines. */
export class SettingsForm {
  readonly form = byId<HTMLFormElement>('settings')
  private readonly experiment = byId<HTMLSelectElement>('experiment')
  private readonly preset = byId<HTMLSelectElement>('preset')
  private readonly seed = byId<HTMLInputElement>('seed')
  private readonly backend = byId<HTMLSelectElement>('backend-request')
  private readonly every = byId<HTMLInputElement>('every')
  private readonly fields = byId<HTMLFieldSetElement>('fields')
  private readonly sets = byId<HTMLTextAreaElement>('sets')

  constructor(private readonly experiments: readonly Experiment<unknown>[]) {
    for (const id of LAB_EXPERIMENT_IDS) {
      const e = experiments.find((x) => x.id === id)
      const option = document.createElement('option')
      option.value = id
      option.textContent = e === undefined ? id : `${id} — ${e.paperRef}`
      this.experiment.append(option)
    }
  }

  get experimentId(): LabExperimentId {
    return this.experiment.value as LabExperimentId
  }

  private experimentObject(id: LabExperimentId): Experiment<unknown> {
    const e = this.experiments.find((x) => x.id === id)
    if (e === undefined) throw new Error(`@cl/reproduce/browser has no experiment '${id}'`)
    return e
  }

  /** Rebuild the experiment's fields: placeholders from the preset, values kept where the field still applies. */
  renderFields(values: Partial<Record<FieldId, string>>): void {
    const id = this.experimentId
    const preset = structuredClone(this.experimentObject(id).presets[this.preset.value as 'quick' | 'paper']) as MutableConfig
    const specs = fieldsFor(id)
    const legend = this.fields.querySelector('legend')!
    this.fields.replaceChildren(legend)
    for (const fid of FIELD_IDS) {
      const spec = specs[fid]
      const label = document.createElement('label')
      label.append(spec.label)
      let control: HTMLInputElement | HTMLSelectElement
      if (spec.kind === 'binding' && typeof spec.input === 'object') {
        const select = document.createElement('select')
        const dflt = document.createElement('option')
        dflt.value = ''
        dflt.textContent = `preset (${spec.current(preset)})`
        select.append(dflt, ...spec.input.options.map((o) => Object.assign(document.createElement('option'), { value: o, textContent: o })))
        control = select
      } else {
        const input = document.createElement('input')
        input.type = 'text'
        input.inputMode = 'decimal'
        if (spec.kind === 'binding') input.placeholder = spec.current(preset)
        control = input
      }
      control.id = `field-${fid}`
      control.name = fid
      const hint = document.createElement('span')
      hint.className = 'keys'
      if (spec.kind === 'binding') {
        control.value = values[fid] ?? ''
        hint.textContent = spec.keys
      } else {
        control.disabled = true
        label.classList.add('na')
        label.title = spec.reason
        hint.textContent = `n/a: ${spec.reason}`
      }
      label.append(control, hint)
      this.fields.append(label)
    }
  }

  /** The settings the form shows now. */
  read(): LabSettings {
    const fields: Partial<Record<FieldId, string>> = {}
    for (const fid of FIELD_IDS) {
      const control = this.form.querySelector<HTMLInputElement | HTMLSelectElement>(`#field-${fid}`)
      if (control !== null && !control.disabled && control.value.trim() !== '') fields[fid] = control.value.trim()
    }
    const int = (input: HTMLInputElement, fallback: number) => (input.value.trim() === '' ? fallback : Number(input.value))
    return {
      experiment: this.experimentId,
      preset: this.preset.value as 'quick' | 'paper',
      seed: int(this.seed, 0),
      backend: (LAB_BACKEND_REQUESTS as readonly string[]).includes(this.backend.value) ? (this.backend.value as LabSettings['backend']) : 'auto',
      every: int(this.every, 10),
      fields,
      sets: this.sets.value.split('\n').map((s) => s.trim()).filter((s) => s !== ''),
    }
  }

  /** Show `settings` in the form. */
  write(settings: LabSettings): void {
    this.experiment.value = settings.experiment
    this.preset.value = settings.preset
    this.seed.value = String(settings.seed)
    this.backend.value = settings.backend
    this.every.value = String(settings.every)
    this.sets.value = settings.sets.join('\n')
    this.renderFields(settings.fields)
  }

  /** Lock the settings while a run trains (a disabled fieldset disables its controls, keeping their own state). */
  setLocked(locked: boolean): void {
    for (const fieldset of this.form.querySelectorAll('fieldset')) fieldset.disabled = locked
  }
}
