import type { PresetName } from '../experiment.js'
import type { Fig1SpectrumConfig } from './config.js'

const sharedPreset = {
  dims: 8,
  contentDims: [0, 1, 2, 4],
  tauStyle: 1,
  // τ_c = (σ_c/σ_s)² with σ_c/σ_s = 0.1: Prop. 3 read as a scale on the representation (logits carry its square).
  prop3: { contentDims: 2, contentSigma: 0.005, tauContent: 0.01 },
  generator: { thresholdDraws: 25_000 },
  // Prop. 3 in the reading of the fixed τ_c above: on the box (σ_c/σ_s)² = (0.005/0.05)² = 0.01 = that τ_c; on the
  // sphere (0.005/0.3)² is below the floor, which is set to the fixed τ_c. The EMA spans ~10 updates (100 steps), a
  // small fraction of either preset's steps. Chosen before any adaptive run.
  adaptive: { enabled: true, reading: 'representation' as const, floor: 0.01, updateEvery: 10, momentum: 0.9, source: 'auto' as const },
  claims: { referenceFlat: 0.85, collapseMargin: 0.3, collapsedDistance: 0.15, matchTolerance: 0.1 },
}

/** Quick (calibrated so the d_c = 0 reference trains to a flat W·A_g) and paper-scale presets of Fig. 1 left. */
export const fig1SpectrumPresets: Record<PresetName, Fig1SpectrumConfig> = {
  quick: {
    ...sharedPreset,
    spaces: {
      // Calibrated so the d_c = 0 reference reaches a flat W·A_g (README "Calibration"); σ_s = 0.3 on the sphere, where
      // 0.05 barely perturbs the pairs (the paper's sphere L_align ≈ −0.19 also implies very noisy positives).
      box: { sigma: 0.05, train: { steps: 2000, batchSize: 256, learningRate: 0.03 } },
      sphere: { sigma: 0.3, train: { steps: 2000, batchSize: 256, learningRate: 0.03 } },
    },
  },
  paper: {
    ...sharedPreset,
    spaces: {
      box: { sigma: 0.05, train: { steps: 300_000, batchSize: 6144, learningRate: 1e-4 } },
      sphere: { sigma: 0.3, train: { steps: 300_000, batchSize: 6144, learningRate: 1e-4 } },
    },
  },
}
