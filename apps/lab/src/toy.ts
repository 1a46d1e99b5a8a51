import type { FieldId, LabExperimentId } from './settings.js'

/**
 * "Toy size": a run of seconds instead of minutes (d = 4, d_c = 2, 50 steps of batch 32, g's condition threshold from 50
 * draws instead of cl-ica's 25 000, small MLPs and probes) — for trying the lab out and for the browser tests.
 */
export function toySettings(experiment: LabExperimentId): { fields: Partial<Record<FieldId, string>>; sets: string[] } {
  const fields = { d: '4', dc: '2', batch: '32', steps: '50' }
  if (experiment === 'fig1-spectrum') return { fields, sets: ['generator.thresholdDraws=50'] }
  return { fields, sets: ['generator.thresholdDraws=50', 'evalSamples=256', 'encoder.hiddenWidths=[16,16]'] }
}
