import type { PresetName } from '../experiment.js'
import { PAPER_IMAGE_SETTING, QUICK_IMAGE_SETTING } from '../images/presets.js'
import type { Fig2Config } from './config.js'

/** Same models as Table 2's "Regular" and "w/o norm." rows (projection width, τ = 0.5, training). */
export const fig2Presets: Record<PresetName, Fig2Config> = {
  quick: { ...QUICK_IMAGE_SETTING, projector: { outputDim: 32 }, tau: 0.5 },
  paper: { ...PAPER_IMAGE_SETTING, projector: { outputDim: 256 }, tau: 0.5 },
}

export const FIG2_VARIANTS = ['regular', 'wo-norm'] as const
export type Fig2VariantId = (typeof FIG2_VARIANTS)[number]
export const FIG2_LABELS: Record<Fig2VariantId, string> = { regular: 'regular', 'wo-norm': 'w/o norm.' }
