import type { PresetName } from '../experiment.js'
import type { TheoryCollapseOptimalConfig } from './config.js'

/**
 * Thresholds fixed before any run. The grid's s_max follows the a-priori rate of the collapsed loss (Prop. 4's path):
 * with δ content the positive term is 0 and E L(s) ≤ log(1 + M·φ(s)^{d_c}) (Jensen), φ(s) ≈ √(2π)/s for the uniform
 * box — so d_c = 1 needs s_max ≳ 100·M·√(2π) to fall below 0.01.
 */
const claims = {
  monotoneTolerance: 1e-9,
  infimumMax: 0.01,
  w0RelativeTolerance: 1e-5,
  styleR2Max: 0.05,
  contentR2Min: 0.99,
  rankTolerance: 1e-4,
  float32MaxScale: 10,
  float32Tolerance: 1e-3,
}

const shared = {
  dims: 8,
  contentDims: [1, 2, 4],
  sigmaStyle: 0.05,
  generator: { thresholdDraws: 25_000, mlpLayers: 3 },
  gradientScales: [1, 10, 100],
  claims,
}

/** Quick (N = 256, ~seconds) and paper-scale (N = 6144, cl-ica's batch size) presets; pure evaluation, no training. */
export const theoryCollapseOptimalPresets: Record<PresetName, TheoryCollapseOptimalConfig> = {
  quick: { ...shared, batchSize: 256, evalBatches: 4, scales: { min: 0.1, max: 1e6, perDecade: 4 }, r2Samples: 2000 },
  // float64 eq. 4 at N = 6144 costs ~3–5 s per batch and path on this machine: 2 batches, 2 points per decade keep a
  // (seed, d_c) at ~6–8 min (~2 h for 3 d_c × 5 seeds)
  paper: { ...shared, batchSize: 6144, evalBatches: 2, scales: { min: 0.1, max: 1e7, perDecade: 2 }, r2Samples: 10_000 },
}
