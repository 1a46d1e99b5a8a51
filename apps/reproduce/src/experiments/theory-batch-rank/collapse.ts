import { normalizedSingularValues } from '@cl/metrics'
import { createLinearEncoder } from '@cl/models'
import type { CheckpointStore } from '@cl/train'
import type { ExperimentContext } from '../experiment.js'
import { trainEncoder } from '../synthetic.js'
import { theoryLinearDgp } from '../theory/linear-setup.js'
import { matMul } from '../matrix.js'
import type { TheoryBatchRankConfig } from './config.js'

/** One linear encoder trained at one batch size (Part B). */
export interface CollapseRun {
  seed: number
  batchSize: number
  /** Normalised singular values (over σ_1, descending) of W·A_g. */
  endToEnd: number[]
  /** Normalised singular values of the learned W. */
  weights: number[]
  finalLoss: number
}

/**
 * Part B: train the bias-free linear encoder (as fig1-spectrum: box, Lp-InfoNCE p = 2, τ_c = τ_s) at every batch size
 * with the same steps and learning rate; finished runs resume from the run's checkpoint store.
 */
export async function trainCollapseRuns(context: ExperimentContext<TheoryBatchRankConfig>): Promise<CollapseRun[]> {
  const { config, seeds, store, log, signal } = context
  const { collapse } = config
  const runs: CollapseRun[] = []
  for (const seed of seeds) {
    const setup = theoryLinearDgp({ space: 'box', dims: config.dims, contentDims: collapse.contentDims, sigmaStyle: config.sigmaStyle, thresholdDraws: config.generator.thresholdDraws, seed })
    for (const batchSize of collapse.batchSizes) {
      const key = `batch-rank-dc${collapse.contentDims}-N${batchSize}-seed${seed}`
      const done = await store.loadResult<CollapseRun>(key)
      if (done !== undefined) {
        runs.push(done)
        continue
      }
      const f = createLinearEncoder({ inputDim: config.dims, seed, name: `theory-${key}` })
      try {
        const outcome = await trainEncoder({ space: 'box', encoder: f, dgp: setup.dgp, seed, key, tau: collapse.tau, train: { ...collapse.train, batchSize }, store, log, signal, onTrainStep: context.onTrainStep, label: `batch-rank N = ${batchSize} seed ${seed}` })
        const w = f.weightMatrix()
        const run: CollapseRun = { seed, batchSize, endToEnd: normalizedSingularValues(matMul(w, setup.generator)), weights: normalizedSingularValues(w), finalLoss: outcome.finalLoss }
        await store.saveResult(key, run)
        runs.push(run)
      } finally {
        f.dispose()
      }
    }
  }
  return runs
}
