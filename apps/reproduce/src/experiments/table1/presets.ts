import type { PresetName } from '../experiment.js'
import type { Table1Config } from './config.js'

/** The DGP and evaluation of Table 1, shared by both presets (they differ in encoder size and training only). */
const TABLE1_SETTING = {
  dims: 10,
  tau: 1,
  evalSamples: 10_000,
  generator: { layers: 3, thresholdDraws: 25_000 },
  box: { contentDims: 2, sigma: 0.05 },
  sphere: { contentDims: 1, kappa: 1 },
}

export const table1Presets: Record<PresetName, Table1Config> = {
  quick: { ...TABLE1_SETTING, encoder: { hiddenWidths: [40, 100, 100, 100, 100, 40] }, train: { steps: 2000, batchSize: 256, learningRate: 1e-3 } },
  // cl-ica's encoder and optimisation: 10d-50d-50d-50d-50d-10d, batch 6144, Adam 1e-4, 300k steps.
  paper: { ...TABLE1_SETTING, encoder: { hiddenWidths: [100, 500, 500, 500, 500, 100] }, train: { steps: 300_000, batchSize: 6144, learningRate: 1e-4 } },
}

/** Paper Table 1 (mean ± std; columns L_align, L_uniform, L_CL). */
export const TABLE1_PAPER = {
  box: { gInverse: { align: [0.02, 0.01], uniform: [7.69, 0.2], total: [7.71, 0.2] }, infonce: { align: [0.23, 0.14], uniform: [0.66, 0.08], total: [0.89, 0.11] } },
  sphere: { gInverse: { align: [-0.19, 0.32], uniform: [9.26, 0.0], total: [9.07, 0.32] }, infonce: { align: [-0.97, 0.04], uniform: [9.29, 0.03], total: [8.32, 0.05] } },
} as const
