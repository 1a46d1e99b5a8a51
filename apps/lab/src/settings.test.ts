import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS, settingsFromQuery, settingsToQuery, type LabSettings } from './settings.js'

describe('settings in the URL', () => {
  it('round-trips every setting, --set lines in order', () => {
    const s: LabSettings = { experiment: 'fig1-r2-sphere', preset: 'paper', seed: 7, backend: 'wasm', every: 5, fields: { d: '4', dc: '2', tc: '0.1', norm: 'off', steps: '50' }, sets: ['generator.thresholdDraws=50', 'encoder.hiddenWidths=[16,16]'] }
    const query = settingsToQuery(s)
    expect(settingsFromQuery(new URLSearchParams(query.toString()))).toEqual(s)
  })

  it('fills what the URL leaves out with the defaults and keeps links short', () => {
    expect(settingsFromQuery(new URLSearchParams(''))).toEqual(DEFAULT_SETTINGS)
    expect(settingsToQuery(DEFAULT_SETTINGS).toString()).toBe('exp=fig1-spectrum&seed=0')
    expect(settingsFromQuery(new URLSearchParams('backend=webgpu&d=+8+&dc=')).fields).toEqual({ d: '8' })
  })

  it('refuses a bad parameter by name', () => {
    expect(() => settingsFromQuery(new URLSearchParams('exp=fig2'))).toThrow(/^invalid url\.exp: expected one of fig1-spectrum, fig1-r2-box, fig1-r2-sphere, table1/)
    expect(() => settingsFromQuery(new URLSearchParams('backend=cuda'))).toThrow(/^invalid url\.backend: expected one of auto, webgpu, webgl, wasm/)
    expect(() => settingsFromQuery(new URLSearchParams('seed=-1'))).toThrow(/^invalid url\.seed: expected an integer >= 0/)
    expect(() => settingsFromQuery(new URLSearchParams('k=0'))).toThrow(/^invalid url\.k: expected an integer >= 1/)
  })
})
