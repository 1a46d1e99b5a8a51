import { fig1R2Box, fig1R2Sphere, fig1Spectrum, table1, type Experiment } from '@cl/reproduce/browser'
import { describe, expect, it } from 'vitest'
import { fieldsFor } from './fields.js'
import { resolveLabConfig } from './resolve-config.js'
import { DEFAULT_SETTINGS, type LabSettings } from './settings.js'
import { toySettings } from './toy.js'

const settings = (over: Partial<LabSettings>): LabSettings => ({ ...DEFAULT_SETTINGS, ...over })
const resolve = (e: Experiment<any>, over: Partial<LabSettings>) => resolveLabConfig(e, settings({ experiment: e.id as LabSettings['experiment'], ...over })) as any

describe('the form fields map onto each experiment\'s config keys', () => {
  it('fig1-spectrum: d, the d_c sweep [0, d_c] and Prop. 3 d_c, τ_c, τ_s, one space, batch and steps', () => {
    const c = resolve(fig1Spectrum, { fields: { d: '4', dc: '2', tc: '0.05', ts: '0.5', space: 'box', batch: '32', steps: '20' }, sets: ['generator.thresholdDraws=50', 'adaptive.floor=0.01'] })
    expect(c.dims).toBe(4)
    expect(c.contentDims).toEqual([0, 2])
    expect(c.prop3).toMatchObject({ contentDims: 2, tauContent: 0.05 })
    expect(c.tauStyle).toBe(0.5)
    expect(c.spaces.sphere).toBeUndefined()
    expect(c.spaces.box.train).toMatchObject({ steps: 20, batchSize: 32 })
    expect(c.generator.thresholdDraws).toBe(50)
    // nothing set: the preset, untouched
    expect(resolve(fig1Spectrum, {})).toEqual(fig1Spectrum.presets.quick)
  })

  it('fig1-r2: τ_s moves the τ_c = τ_s variants with it, τ_c the fixes; on the sphere normalisation switches the ℓ2-normalised ones', () => {
    const box = resolve(fig1R2Box, { fields: { ts: '0.5', tc: '0.05' } })
    expect(box.variants.map((v: { tauContent: number }) => v.tauContent)).toEqual([0.5, 0.5, 0.05])
    const sphere = resolve(fig1R2Sphere, { fields: { norm: 'off', dc: '3', batch: '64', steps: '10' } })
    expect(sphere.variants.map((v: { normalize: boolean }) => v.normalize)).toEqual([false, false, false, false])
    expect([sphere.contentDims, sphere.train.batchSize, sphere.train.steps]).toEqual([3, 64, 10])
    expect(fieldsFor('fig1-r2-box').norm.kind).toBe('not-applicable')
  })

  it('table1: d_c of both spaces and the scalar τ', () => {
    const c = resolve(table1, { fields: { dc: '1', ts: '0.5' } })
    expect([c.box.contentDims, c.sphere.contentDims, c.tau]).toEqual([1, 1, 0.5])
  })

  it('the toy settings are valid for every experiment', () => {
    for (const e of [fig1Spectrum, fig1R2Box, fig1R2Sphere, table1]) {
      const toy = toySettings(e.id as LabSettings['experiment'])
      expect(() => resolve(e, toy)).not.toThrow()
    }
  })

  it('refuses with the typed error naming the field (the experiment\'s schema, as the CLI does)', () => {
    expect(() => resolve(fig1Spectrum, { fields: { d: 'four' } })).toThrow(/^invalid d: expected an integer, received "four"/)
    expect(() => resolve(fig1Spectrum, { fields: { d: '4.5' } })).toThrow(/^invalid d: expected an integer/)
    expect(() => resolve(fig1Spectrum, { fields: { space: 'torus' } })).toThrow(/^invalid space: expected one of both, box, sphere/)
    expect(() => resolve(fig1Spectrum, { fields: { d: '4', dc: '4' } })).toThrow(/^invalid config\.contentDims\.1: expected every d_c < dims = 4/)
    expect(() => resolve(fig1Spectrum, { fields: { ts: '0' } })).toThrow(/^invalid config\.tauStyle/)
    expect(() => resolve(fig1Spectrum, { fields: { norm: 'on' } })).toThrow(/^invalid normalisation: expected no value for this experiment/)
    expect(() => resolve(fig1Spectrum, { sets: ['generator.draws=5'] })).toThrow(/^invalid config\.generator\.draws/)
    expect(() => resolve(fig1Spectrum, { sets: ['dims'] })).toThrow(/^invalid --set: expected key=value/)
    expect(() => resolve(fig1Spectrum, { seed: 1.5 })).toThrow(/^invalid seed/)
    expect(() => resolve(table1, { fields: { tc: '0.1' } })).toThrow(/^invalid τ_c: expected no value for this experiment \(Table 1 uses one scalar τ/)
  })
})
