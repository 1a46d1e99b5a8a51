import type { PresetName } from '../experiment.js'
import { PAPER_IMAGE_SETTING, QUICK_IMAGE_SETTING } from '../images/presets.js'
import type { Table2Config } from './config.js'

/** §4.2's temperatures: SimSiam's τ = 0.5 for regular and w/o norm; "τ = 1 for half of the dimensions and τ = 0.7 for the rest". */
const TAUS = { tau: 0.5, diffTau: { first: 1, rest: 0.7 } }

export const table2Presets: Record<PresetName, Table2Config> = {
  quick: { ...QUICK_IMAGE_SETTING, projector: { outputDim: 32 }, ...TAUS },
  // SimSiam projection_MLP(2048, 256): 2048 → 2048 → 256; 3 seeds (the run's --seeds).
  paper: { ...PAPER_IMAGE_SETTING, projector: { outputDim: 256 }, ...TAUS },
}

/** The three rows of Table 2 (ids used in result keys and claims). */
export const TABLE2_VARIANTS = ['regular', 'wo-norm', 'wo-norm-diff-tau'] as const
export type Table2VariantId = (typeof TABLE2_VARIANTS)[number]

export const TABLE2_LABELS: Record<Table2VariantId, string> = { regular: 'Regular', 'wo-norm': 'w/o norm.', 'wo-norm-diff-tau': 'w/o norm. + diff. τ' }

/** Paper Table 2: linear readout accuracy in % (mean, std over 3 seeds), after and before the projector; CIFAR-10, ResNet-50. */
export const TABLE2_PAPER: Record<Table2VariantId, { after: [number, number]; before: [number, number] }> = {
  regular: { after: [91.4, 0.5], before: [93.0, 0.1] },
  'wo-norm': { after: [91.4, 0.6], before: [92.5, 0.5] },
  'wo-norm-diff-tau': { after: [92.5, 0.2], before: [93.2, 0.1] },
}
