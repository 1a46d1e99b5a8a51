import type { PresetName } from '../experiment.js'
import type { TheoryDynamicsConfig } from './config.js'

const shared = {
  dims: 8,
  contentDims: 2,
  sigmaStyle: 0.05,
  scales: [0.05, 0.2, 1],
  generator: { thresholdDraws: 25_000 },
  // Fixed before any run from the sampling error of a covariance estimate, ≈ √((d + 1)/N) in Frobenius norm
  // (≈ 0.09 at N = 1025, 0.05 at N = 4097): the limit must be reached to 0.15, and the error must fall ≥ 4× over the sweep.
  claims: { maxErrorAtLargest: 0.15, minImprovement: 4, batchReadingTolerance: 0.01 },
}

/** Quick (a coarse M sweep, few batches) and paper-scale (M = 4 … 4096 in factors of 2, many batches) presets. */
export const theoryDynamicsPresets: Record<PresetName, TheoryDynamicsConfig> = {
  quick: { ...shared, negatives: [4, 16, 64, 256, 1024], batches: 2, randomInit: false },
  paper: { ...shared, negatives: [4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096], batches: 32, randomInit: true },
}
