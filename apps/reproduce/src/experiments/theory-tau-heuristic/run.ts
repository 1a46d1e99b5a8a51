import { contentStyleTau } from '@cl/infonce'
import { createLinearEncoder } from '@cl/models'
import type { CheckpointStore } from '@cl/train'
import type { ExperimentContext } from '../experiment.js'
import { theoryLinearDgp } from '../theory/linear-setup.js'
import { trainEncoder } from '../synthetic.js'
import type { TheoryTauHeuristicConfig } from './config.js'
import { linearSpectra } from '../linear-spectra.js'

/** One trained linear encoder of the sweep (or the d_c = 0 reference): its normalised spectra and training curve. */
export interface TauRun {
  /** σ_c/σ_s of the content conditional; 0 for the d_c = 0 reference (no content). */
  ratio: number
  contentDims: number
  /** σ_c = ratio·σ_s (latent units). */
  sigmaContent: number
  /** τ_c: logit temperature of the encoder's first d_c outputs (τ_s for the reference). */
  tauContent: number
  seed: number
  /** Normalised singular values of the learned W (descending; what Fig. 1 left plots). */
  weights: number[]
  /** Normalised singular values of W·A_g (encoder ∘ generator). */
  endToEnd: number[]
  /** Normalised singular values of diag(τ^-½)·W·A_g, the map the loss sees. */
  effective: number[]
  /** W·A_g itself (`[output][latent]`), for the content/style balance of its columns. */
  endToEndMatrix: number[][]
  finalLoss: number
  lossHistory: [number, number][]
}

/** One encoder to train: the reference (d_c = 0, τ = τ_s everywhere) or a (σ_c/σ_s, τ_c) point of the sweep. */
export type TauPoint = { readonly kind: 'reference' } | { readonly kind: 'sweep'; readonly ratio: number; readonly tauContent: number }

/** Checkpoint/result key of one run. */
export function tauRunKey(point: TauPoint, seed: number): string {
  return point.kind === 'reference' ? `reference-dc0-seed${seed}` : `ratio${point.ratio}-tauc${point.tauContent}-seed${seed}`
}

/** The runs of one seed: the d_c = 0 reference, then every σ_c/σ_s × τ_c (the grid in ascending τ_c). */
export function tauGrid(config: TheoryTauHeuristicConfig): TauPoint[] {
  const taus = [...config.tauContents].sort((a, b) => a - b)
  return [{ kind: 'reference' }, ...config.ratios.flatMap((ratio) => taus.map((tauContent) => ({ kind: 'sweep' as const, ratio, tauContent })))]
}


/** Train every (seed, point) encoder, resuming finished ones from the run's checkpoint store (each saved with `saveResult`). */
export async function runTheoryTauHeuristic(context: ExperimentContext<TheoryTauHeuristicConfig>): Promise<TauRun[]> {
  const { config, seeds, store } = context
  const runs: TauRun[] = []
  for (const seed of seeds) {
    for (const point of tauGrid(config)) {
      const key = tauRunKey(point, seed)
      const done = await store.loadResult<TauRun>(key)
      if (done !== undefined) {
        runs.push(done)
        continue
      }
      const r = await trainTauRun(point, seed, context, store)
      await store.saveResult(key, r)
      runs.push(r)
    }
  }
  return runs
}

/**
 * One run, trained as `fig1-spectrum` trains its Prop. 3 runs: the paper's linear DGP (box, Lp-InfoNCE with p = 2),
 * a bias-free linear f, per-output τ from `contentStyleTau` (the first d_c outputs get τ_c; the model is free to route
 * content there).
 */
async function trainTauRun(point: TauPoint, seed: number, context: ExperimentContext<TheoryTauHeuristicConfig>, store: CheckpointStore): Promise<TauRun> {
  const { config, log, signal } = context
  const key = tauRunKey(point, seed)
  const dc = point.kind === 'reference' ? 0 : config.contentDims
  const ratio = point.kind === 'reference' ? 0 : point.ratio
  const tauContent = point.kind === 'reference' ? config.tauStyle : point.tauContent
  const sigmaContent = ratio * config.sigmaStyle
  const { dgp, generator } = theoryLinearDgp({ space: 'box', dims: config.dims, contentDims: dc, sigmaStyle: config.sigmaStyle, sigmaContent, thresholdDraws: config.generator.thresholdDraws, seed })
  const tau = dc === 0 ? Array.from({ length: config.dims }, () => config.tauStyle) : contentStyleTau({ dims: config.dims, contentDims: dc, tauContent, tauStyle: config.tauStyle })
  const f = createLinearEncoder({ inputDim: config.dims, outputNormalization: 'none', seed, name: `tau-${key}` })
  try {
    const outcome = await trainEncoder({ space: 'box', encoder: f, dgp, seed, key, tau, train: config.train, store, log, signal, onTrainStep: context.onTrainStep, label: `theory-tau ${key}` })
    const spectra = linearSpectra(f.weightMatrix(), generator, tau)
    return {
      ratio,
      contentDims: dc,
      sigmaContent,
      tauContent,
      seed,
      ...spectra,
      finalLoss: outcome.finalLoss,
      lossHistory: outcome.lossHistory,
    }
  } finally {
    f.dispose()
  }
}
