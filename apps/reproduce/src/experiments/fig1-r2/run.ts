import * as tf from '@tensorflow/tfjs'
import type { Dgp } from '@cl/dgp'
import { contentStyleTau, createAdaptiveTemperature } from '@cl/infonce'
import { covarianceSpectrum, normalizedCovarianceSingularValues, r2ContentStyleDense, readMatrix } from '@cl/metrics'
import { createMlpEncoder } from '@cl/models'
import type { CheckpointStore } from '@cl/train'
import { buildUserDgp } from '../experiment-dgp.js'
import type { ExperimentContext } from '../experiment.js'
import { stepSeed } from '../stats.js'
import { adaptiveOptions, adaptiveOutcome, type AdaptiveTauOutcome } from '../fig1-spectrum/adaptive.js'
import { paperDgp, trainEncoder, type SpaceKind } from '../synthetic.js'
import type { Fig1R2Config, Fig1R2Variant } from './config.js'

/**
 * Candidate relative ridges of the layer-wise regressions, on standardised predictors (scale-invariant), chosen per
 * layer by 4-fold cross-validation on the fit half (`@cl/metrics` `ridgeGrid`). Hidden layers of a leaky-ReLU MLP
 * are nearly collinear (a 100-wide layer computed from a 40-wide one spans little more than 40 directions): with a
 * tiny fixed ridge (the metrics default 1e-8) their held-out R² exploded to −100 and below, and even 1e-3 left
 * single layers at −3 in longer runs.
 */
export const LAYER_R2_RIDGE_GRID = [1e-6, 1e-4, 1e-3, 1e-2, 1e-1, 1]

/** Adjusted R² of content and style per layer for one trained encoder. */
export interface LayerR2Run {
  variant: string
  seed: number
  layers: { name: string; width: number; content: number; style: number }[]
  /**
   * Normalised singular values (√ of the covariance eigenvalues over the largest, descending) of the representation the
   * loss sees (the output, after the normalisation where there is one) on the probe set — the spectrum view of collapse
   * (§4.2, Jing et al.) next to the R² view.
   */
  outputSpectrum: number[]
  finalLoss: number
  lossHistory: [number, number][]
  /** Set for the adaptive-τ variant: where τ ended and how its estimates went. */
  adaptive?: AdaptiveTauOutcome
}

/** The DGP of one variant: the user's (`--dgp`) where given, else the paper's nonlinear DGP of §4.1. */
export function fig1R2Dgp(experiment: string, space: SpaceKind, config: Fig1R2Config, contentDims: number, seed: number, context: Pick<ExperimentContext<Fig1R2Config>, 'userDgp'>): Dgp {
  if (context.userDgp !== undefined) return buildUserDgp(context.userDgp, experiment, { space, dims: config.dims, contentDims, seed })
  return paperDgp({ space, dims: config.dims, contentDims, sigma: config.sigma, kappa: config.kappa, generator: { kind: 'mlp', ...config.generator }, seed })
}

/**
 * Train every (seed, variant) encoder — and, with `config.adaptive`, the adaptive-τ variant (the last variant with τ
 * from `createAdaptiveTemperature`) — resuming finished ones from the run's checkpoint store, and probe its layers.
 */
export async function runFig1R2(experiment: string, space: SpaceKind, context: ExperimentContext<Fig1R2Config>): Promise<LayerR2Run[]> {
  const { config, seeds, store } = context
  const runs: LayerR2Run[] = []
  for (const seed of seeds) {
    for (const [vi, variant] of config.variants.entries()) {
      const key = `${space}-v${vi}-seed${seed}`
      const done = await store.loadResult<LayerR2Run>(key)
      if (done !== undefined) {
        runs.push(done)
        continue
      }
      const r = await trainAndProbe(experiment, space, key, variant, seed, context, store)
      await store.saveResult(key, r)
      runs.push(r)
    }
    const adaptive = config.adaptive
    if (adaptive?.enabled === true) {
      // the fix (last variant) with the adaptive τ in place of its fixed τ_c
      const fix = config.variants.at(-1)!
      const key = `${space}-adaptive-seed${seed}`
      const done = await store.loadResult<LayerR2Run>(key)
      const r = done ?? (await trainAndProbe(experiment, space, key, { ...fix, name: adaptive.name, contentDims: config.contentDims }, seed, context, store, true))
      if (done === undefined) await store.saveResult(key, r)
      runs.push(r)
    }
  }
  return runs
}

async function trainAndProbe(
  experiment: string,
  space: SpaceKind,
  key: string,
  variant: Fig1R2Variant,
  seed: number,
  context: ExperimentContext<Fig1R2Config>,
  store: CheckpointStore,
  withAdaptiveTau = false,
): Promise<LayerR2Run> {
  const { config, log, signal } = context
  const dc = variant.contentDims ?? config.contentDims
  const dgp = fig1R2Dgp(experiment, space, config, dc, seed, context)
  // τ_c applies to the first d_c outputs of the experiment's split; the control (d_c = 0) uses the same τ vector.
  const tau = contentStyleTau({ dims: config.dims, contentDims: config.contentDims, tauContent: variant.tauContent, tauStyle: config.tauStyle })
  // Adaptive τ (Prop. 2 + 3); 'auto' source: box reads the un-tempered distance-form gradients, sphere the covariances.
  const adaptive = withAdaptiveTau && config.adaptive !== undefined
    ? createAdaptiveTemperature({ ...adaptiveOptions(config.adaptive, space), dims: config.dims, tauStyle: config.tauStyle, name: `${key}-tau` })
    : undefined
  const normalizeOutput = space === 'sphere' && variant.normalize
  const f = createMlpEncoder({ inputDim: config.dims, hiddenWidths: config.encoder.hiddenWidths, weightInit: config.encoder.weightInit, outputNormalization: normalizeOutput ? 'fixedSphere' : 'none', seed, name: `${key}-f` })
  try {
    const common = { space, encoder: f, dgp, seed, key, train: config.train, store, log, signal, onTrainStep: context.onTrainStep, label: `${key} (${variant.name})` }
    const outcome = await trainEncoder(adaptive !== undefined ? { ...common, adaptive } : { ...common, tau })
    const adaptiveResult = adaptive !== undefined ? adaptiveOutcome(adaptive, Array.from(adaptive.values()), adaptive.source, config.dims) : undefined
    if (adaptiveResult !== undefined) log(`${key}: adaptive τ ended at ${adaptiveResult.tau.map((t) => t.toPrecision(2)).join(' ')} (last d̂_c ${adaptiveResult.lastContentDims})`)
    const probe = dgp.reseed(stepSeed(seed, 'probe', 0)).sample(config.evalSamples)
    const taps = f.applyWithTaps(probe.x)
    try {
      const latents = await readMatrix(probe.z, 'z')
      const meta = dgp.metadata
      const layers = []
      for (const [i, tap] of taps.entries()) {
        const rep = await readMatrix(tap, f.tapNames[i])
        const r = r2ContentStyleDense(rep, latents, { contentIndices: meta.contentIndices, styleIndices: meta.styleIndices, adjusted: true, testFraction: 0.5, seed, ridgeGrid: LAYER_R2_RIDGE_GRID })
        layers.push({ name: f.tapNames[i]!, width: f.tapWidths[i]!, content: r.content, style: r.style })
      }
      const last = await readMatrix(taps.at(-1)!, 'output')
      const outputSpectrum = normalizedCovarianceSingularValues(covarianceSpectrum(last, { l2Normalize: false }).eigenvalues)
      log(`${key}: adjusted R² (content/style) per layer: ${layers.map((l) => `${l.content.toFixed(2)}/${l.style.toFixed(2)}`).join('  ')}`)
      return { variant: variant.name, seed, layers, outputSpectrum, finalLoss: outcome.finalLoss, lossHistory: outcome.lossHistory, ...(adaptiveResult !== undefined ? { adaptive: adaptiveResult } : {}) }
    } finally {
      tf.dispose([...taps, ...(Object.values(probe) as tf.Tensor[])])
    }
  } finally {
    f.dispose()
    adaptive?.dispose()
  }
}
