import type { PresetName } from '../experiment.js'
import type { TheoryDcEstimateConfig } from './config.js'

const shared = {
  dims: 8,
  sigmaStyle: 0.05,
  contentDims: [0, 1, 2, 3, 4, 5, 6, 7],
  ratios: [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1],
  spaces: ['box', 'sphere'] as ('box' | 'sphere')[],
  minGap: Math.log(4),
  generator: { thresholdDraws: 25_000 },
  example: { contentDims: 2 },
  // Fixed before any run (brief of issue 12): never tuned to a result.
  claims: { accuracyLevel: 0.95, accuracyUpToRatio: 0.3, equalSigmaZeroRate: 0.9, literalRate: 0.9 },
}

/** Quick (≈ 1 min on 2 cores, wasm) and paper-scale presets of `theory-dc-estimate`. */
export const theoryDcEstimatePresets: Record<PresetName, TheoryDcEstimateConfig> = {
  quick: {
    ...shared,
    draws: 4,
    batchSize: 512,
    batchSweep: { batchSizes: [64, 256, 1024], contentDims: [2], ratios: [0, 0.3] },
    trained: { contentDims: 2, draws: 1, train: { steps: 500, batchSize: 256, learningRate: 0.03 } },
  },
  paper: {
    ...shared,
    draws: 25,
    batchSize: 1024,
    batchSweep: { batchSizes: [16, 64, 256, 1024, 4096], contentDims: [1, 2, 4], ratios: [0, 0.2, 0.3, 0.5] },
    // the paper's linear training scale (§4.1 / fig1-spectrum paper preset)
    trained: { contentDims: 2, draws: 3, train: { steps: 300_000, batchSize: 6144, learningRate: 1e-4 } },
  },
}
