import { createRng, InterruptedError } from '@cl/core'
import { normalizedSingularValues } from '@cl/metrics'
import { createLinearEncoder, type LinearEncoder } from '@cl/models'
import { train, type CheckpointStore } from '@cl/train'
import type * as tf from '@tensorflow/tfjs'
import { trainProgress } from '../../train/progress.js'
import type { ExperimentContext } from '../experiment.js'
import { stepBatch, type SpaceKind } from '../synthetic.js'
import { eq4Loss, theoryLinearDgp } from '../theory/linear-setup.js'
import type { TheoryDcEstimateConfig } from './config.js'
import { effectiveRatio, estimateOnBatch, type BatchEstimates } from './estimate.js'
import { matMul } from '../matrix.js'

/** One estimate of d_c (Prop. 2) on one batch: both readings, with the values they were read from. */
export interface DcEstimateRun {
  /** `main`: the d_c × σ_c/σ_s sweep; `batch`: the batch-size sweep (Lemma 6); `trained`: an eq. 4-trained encoder. */
  sweep: 'main' | 'batch' | 'trained'
  space: SpaceKind
  /** True d_c of the DGP. */
  contentDims: number
  /** σ_c/σ_s of the DGP (0 = δ content; recorded as 0 when d_c = 0, where there is no content conditional). */
  ratio: number
  /** N, the pairs of the batch the gradient was taken on. */
  batchSize: number
  /** The draw's seed: g, the encoder init and the batch are functions of it. */
  seed: number
  /** d_c estimated from the split gradient (ρ_k, `estimateContentDims({ align, uniform })`). */
  estimate: number
  margin: number
  /** ρ_k ascending (content first). */
  rho: number[]
  /** d_c estimated from the singular values of ∂L/∂W (Prop. 2 read literally). */
  literalEstimate: number
  literalMargin: number
  /** Normalised singular values of ∂L/∂W, descending. */
  literalValues: number[]
  /** The realised σ_c/σ_s of the batch's latents (`effectiveRatio`; null when d_c = 0). */
  effectiveRatio: number | null
  /** Trained runs: normalised singular values of the end-to-end map W·A_g (collapse: the style ones near 0). */
  endToEndSpectrum?: number[]
  /** Trained runs: the last training loss (eq. 4, mean over anchors). */
  finalLoss?: number
}

/** The draw seeds: `draws` per CLI seed s, s·draws + r (r = 0 … draws − 1), disjoint across CLI seeds. */
export function drawSeeds(seeds: readonly number[], draws: number): number[] {
  return seeds.flatMap((s) => Array.from({ length: draws }, (_, r) => s * draws + r))
}

/** The untrained bias-free linear encoder of a draw (PyTorch U(±1/√d) init from the draw's `encoder` stream). */
export function drawEncoder(config: TheoryDcEstimateConfig, seed: number, name: string): LinearEncoder {
  return createLinearEncoder({ inputDim: config.dims, seed: createRng(seed).fork('encoder'), name })
}

/** The paper's linear DGP of one grid point (σ_c = ratio·σ_s; δ content at ratio 0). */
export function gridSetup(config: TheoryDcEstimateConfig, space: SpaceKind, contentDims: number, ratio: number, seed: number) {
  return theoryLinearDgp({
    space,
    dims: config.dims,
    contentDims,
    sigmaStyle: config.sigmaStyle,
    sigmaContent: ratio * config.sigmaStyle,
    thresholdDraws: config.generator.thresholdDraws,
    seed,
  })
}


function record(sweep: DcEstimateRun['sweep'], space: SpaceKind, contentDims: number, ratio: number, batchSize: number, seed: number, e: BatchEstimates): DcEstimateRun {
  return {
    sweep,
    space,
    contentDims,
    ratio,
    batchSize,
    seed,
    estimate: e.split.contentDims,
    margin: e.split.margin,
    rho: [...e.split.values],
    literalEstimate: e.literal.contentDims,
    literalMargin: e.literal.margin,
    literalValues: [...e.literal.values],
    effectiveRatio: effectiveRatio(e.conditionalVariance, contentDims),
  }
}

/** The grid points of the main sweep: every (d_c, ratio), d_c = 0 once (it has no content conditional). */
export function mainGrid(config: TheoryDcEstimateConfig): { contentDims: number; ratio: number }[] {
  return config.contentDims.flatMap((dc) => (dc === 0 ? [{ contentDims: 0, ratio: 0 }] : config.ratios.map((ratio) => ({ contentDims: dc, ratio }))))
}

/** Estimate d_c on one fresh batch of one grid point with the draw's untrained encoder. */
function estimatePoint(config: TheoryDcEstimateConfig, sweep: 'main' | 'batch', space: SpaceKind, dc: number, ratio: number, batchSize: number, seed: number): DcEstimateRun {
  const f = drawEncoder(config, seed, `dcest-${sweep}-${space}-${dc}-${ratio}-${batchSize}-${seed}`)
  try {
    return record(sweep, space, dc, ratio, batchSize, seed, estimateOnBatch(f, gridSetup(config, space, dc, ratio, seed).dgp, batchSize, config.minGap))
  } finally {
    f.dispose()
  }
}

/** Train the draw's encoder with eq. 4 (Adam) on δ content, then estimate on a fresh batch (W near singular). */
async function trainedRun(config: TheoryDcEstimateConfig, space: SpaceKind, seed: number, context: ExperimentContext<TheoryDcEstimateConfig>, store: CheckpointStore): Promise<DcEstimateRun> {
  const t = config.trained!
  const key = `dcest-trained-${space}-dc${t.contentDims}-seed${seed}`
  const { dgp, generator } = gridSetup(config, space, t.contentDims, 0, seed)
  const f = drawEncoder(config, seed, key)
  const progress = trainProgress({ label: key, log: context.log })
  try {
    const outcome = await train(
      {
        variables: f.namedVariables,
        loss: (step) => {
          const b = stepBatch(dgp, seed, key, step, t.train.batchSize)
          return eq4Loss(f.apply(b.x) as tf.Tensor2D, f.apply(b.xPositive) as tf.Tensor2D).total
        },
      },
      { key, steps: t.train.steps, learningRate: t.train.learningRate, store, onStep: progress.onStep, signal: context.signal },
    )
    // the estimate's batch: the DGP's own stream (not a training step's)
    const e = estimateOnBatch(f, dgp, config.batchSize, config.minGap)
    return { ...record('trained', space, t.contentDims, 0, config.batchSize, seed, e), endToEndSpectrum: normalizedSingularValues(matMul(f.weightMatrix(), generator)), finalLoss: outcome.finalLoss }
  } finally {
    progress.stop()
    f.dispose()
  }
}

/** Every estimate of the experiment: the main sweep, the batch-size sweep and (optionally) the trained encoders. */
export async function runTheoryDcEstimate(context: ExperimentContext<TheoryDcEstimateConfig>): Promise<DcEstimateRun[]> {
  const { config, log } = context
  const seeds = drawSeeds(context.seeds, config.draws)
  const runs: DcEstimateRun[] = []
  const grid = mainGrid(config)
  for (const space of config.spaces) {
    for (const seed of seeds) {
      // yield to the event loop so SIGINT / SIGTERM can abort between draws (the sweep itself is synchronous)
      await new Promise((resolve) => setImmediate(resolve))
      if (context.signal.aborted) throw new InterruptedError(String(context.signal.reason))
      for (const { contentDims, ratio } of grid) runs.push(estimatePoint(config, 'main', space, contentDims, ratio, config.batchSize, seed))
      for (const n of config.batchSweep.batchSizes) {
        for (const dc of config.batchSweep.contentDims) {
          for (const ratio of config.batchSweep.ratios) runs.push(estimatePoint(config, 'batch', space, dc, ratio, n, seed))
        }
      }
    }
    log(`theory-dc-estimate: ${space} done (${seeds.length} draws × ${grid.length} grid points, batch sweep N ∈ {${config.batchSweep.batchSizes.join(', ')}})`)
  }
  if (config.trained !== undefined) {
    const { store } = context
    for (const space of config.spaces) {
      for (const seed of seeds.slice(0, config.trained.draws)) {
        const key = `trained-${space}-${seed}`
        const done = await store.loadResult<DcEstimateRun>(key)
        const r = done ?? (await trainedRun(config, space, seed, context, store))
        if (done === undefined) await store.saveResult(key, r)
        runs.push(r)
      }
    }
  }
  return runs
}
