import type { PresetName } from '../experiment.js'
import type { TheoryBatchRankConfig } from './config.js'

const shared = {
  dims: 8,
  sigmaStyle: 0.05,
  generator: { thresholdDraws: 25_000 },
}

/** Quick (few batches, short training) and paper-scale presets; run the paper preset with `--seeds 3`. */
export const theoryBatchRankPresets: Record<PresetName, TheoryBatchRankConfig> = {
  quick: {
    ...shared,
    rank: { contentDims: [0, 2, 6], batchSizes: [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 64, 256], batches: 10, scale: 1, tolerance: 1e-8 },
    conditioning: { contentDims: 2, batchSizes: [9, 16, 64, 256, 1024], batches: 10 },
    collapse: { contentDims: 2, tau: 1, batchSizes: [16, 64, 256], train: { steps: 1500, learningRate: 0.03 } },
  },
  paper: {
    ...shared,
    rank: { contentDims: [0, 2, 6], batchSizes: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 64, 256], batches: 100, scale: 1, tolerance: 1e-8 },
    conditioning: { contentDims: 2, batchSizes: [9, 16, 32, 64, 128, 256, 512, 1024, 2048], batches: 100 },
    collapse: { contentDims: 2, tau: 1, batchSizes: [16, 64, 256, 1024, 6144], train: { steps: 300_000, learningRate: 1e-4 } },
  },
}
