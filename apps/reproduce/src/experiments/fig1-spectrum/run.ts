import { createDgp, type Dgp } from '@cl/dgp'
import { contentStyleTau, createAdaptiveTemperature, type AdaptiveTemperature } from '@cl/infonce'
import { adaptiveOptions, adaptiveOutcome, type AdaptiveTauOutcome } from './adaptive.js'
import { createLinearEncoder } from '@cl/models'
import type { CheckpointStore } from '@cl/train'
import { buildUserDgp, requireLinear } from '../experiment-dgp.js'
import type { ExperimentContext, UserDgp } from '../experiment.js'
import { paperGenerator, trainEncoder, type SpaceKind } from '../synthetic.js'
import type { Fig1SpectrumConfig } from './config.js'
import { linearSpectra } from '../linear-spectra.js'

/** One trained linear encoder: its normalised spectra (descending) and training curve. */
export interface SpectrumRun {
  space: SpaceKind
  contentDims: number
  /** σ_c of the content conditional (0 = δ; with a user DGP, 0 = the DGP's own content conditional). */
  contentSigma: number
  tauContent: number
  /** Sphere: whether f's output is ℓ2-normalised before the cosine loss (false = the paper's "w/o ℓ2-norm"). Box: false. */
  normalized?: boolean
  seed: number
  /** Normalised singular values of the learned W (what Fig. 1 left plots). */
  weights: number[]
  /** Normalised singular values of W·A_g (encoder ∘ generator). */
  endToEnd: number[]
  /** Normalised singular values of diag(τ^-½)·W·A_g, the map the loss actually sees. */
  effective: number[]
  finalLoss: number
  lossHistory: [number, number][]
  /** Set for the adaptive-τ run (Prop. 2 + 3 during training); `tauContent` is then the final τ of output 1. */
  adaptive?: AdaptiveTauOutcome
}

export function runKey(space: SpaceKind, dc: number, sigmaC: number, tauC: number, seed: number, unnormalized = false, adaptive = false): string {
  return `${space}-dc${dc}-sc${sigmaC}-${adaptive ? 'adaptive' : `tauc${tauC}`}${unnormalized ? '-nonorm' : ''}-seed${seed}`
}

/** One trained encoder of the grid. */
export interface GridPoint {
  dc: number
  sigmaC: number
  tauC: number
  /** Sphere only: train without the output ℓ2-normalisation (raw dot products). */
  unnormalized?: boolean
  /** Train with the adaptive τ of `config.adaptive` (starting at τ_s; `tauC` is then τ_s and unused). */
  adaptive?: boolean
}

/**
 * σ_c of the Prop. 3 runs: the configured one on the paper DGP; a user DGP has its own content conditional (the factory
 * takes no σ_c), so its runs use it as it is, recorded as 0.
 */
export function prop3Sigma(config: Fig1SpectrumConfig, userDgp: UserDgp | undefined): number {
  return userDgp === undefined ? config.prop3.contentSigma : 0
}

/**
 * The runs of one space: the τ_c = τ_s sweep, the Prop. 3 pair (σ_c > 0; τ_c = τ_s and τ_c), the δ control, and on the
 * sphere the Prop. 3 τ_c run without the ℓ2-normalisation (§4.1: on the sphere "we further need to remove" it), and
 * with `config.adaptive` the Prop. 3 σ_c run trained with the adaptive τ instead of the fixed τ_c.
 * Points that coincide (with a user DGP the pair's σ_c is the DGP's own) are trained once.
 */
export function grid(config: Fig1SpectrumConfig, space: SpaceKind, userDgp?: UserDgp): GridPoint[] {
  const { prop3, tauStyle } = config
  const sc = prop3Sigma(config, userDgp)
  const points: GridPoint[] = [
    ...config.contentDims.map((dc) => ({ dc, sigmaC: 0, tauC: tauStyle })),
    { dc: prop3.contentDims, sigmaC: sc, tauC: tauStyle },
    { dc: prop3.contentDims, sigmaC: sc, tauC: prop3.tauContent },
    { dc: prop3.contentDims, sigmaC: 0, tauC: prop3.tauContent },
    ...(space === 'sphere' ? [{ dc: prop3.contentDims, sigmaC: sc, tauC: prop3.tauContent, unnormalized: true }] : []),
    // the adaptive τ in place of the fixed τ_c of the Prop. 3 run (sphere: w/o ℓ2-norm, like the fixed-τ remedy)
    ...(config.adaptive?.enabled === true ? [{ dc: prop3.contentDims, sigmaC: sc, tauC: tauStyle, ...(space === 'sphere' ? { unnormalized: true } : {}), adaptive: true }] : []),
  ]
  const seen = new Set<string>()
  return points.filter((p) => {
    const key = runKey(space, p.dc, p.sigmaC, p.tauC, 0, p.unnormalized, p.adaptive)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** The DGP of one grid point: the user's (`--dgp`, which must have a linear g) or the paper's linear DGP of §4.1. */
export function fig1SpectrumDgp(experiment: string, space: SpaceKind, point: GridPoint, seed: number, config: Fig1SpectrumConfig, userDgp: UserDgp | undefined): { dgp: Dgp; generatorWeights: readonly (readonly number[])[] } {
  if (userDgp !== undefined) {
    const dgp = buildUserDgp(userDgp, experiment, { space, dims: config.dims, contentDims: point.dc, seed })
    return { dgp, generatorWeights: requireLinear(dgp, userDgp.module, experiment) }
  }
  const generator = paperGenerator({ kind: 'linear', thresholdDraws: config.generator.thresholdDraws }, config.dims, seed)
  const dgp = createDgp({
    space,
    dims: config.dims,
    contentDims: point.dc,
    // §4.1: "the conditional is normal with mean z for style dimensions and a δ-distribution for content dimensions";
    // the Prop. 3 runs generalise the δ to a small σ_c (Appx. C).
    conditional: { kind: 'normal', sigma: config.spaces[space]!.sigma, contentSigma: point.sigmaC },
    generator,
    seed,
  })
  return { dgp, generatorWeights: (generator as unknown as { weights: readonly (readonly number[])[] }).weights }
}


/** Train every (space, seed, grid point) linear encoder, resuming finished ones from the run's checkpoint store. */
export async function runFig1Spectrum(experiment: string, context: ExperimentContext<Fig1SpectrumConfig>): Promise<SpectrumRun[]> {
  const { config, seeds, store, userDgp } = context
  const runs: SpectrumRun[] = []
  for (const space of ['box', 'sphere'] as const) {
    if (config.spaces[space] === undefined) continue
    for (const seed of seeds) {
      for (const point of grid(config, space, userDgp)) {
        const key = runKey(space, point.dc, point.sigmaC, point.tauC, seed, point.unnormalized, point.adaptive)
        const done = await store.loadResult<SpectrumRun>(key)
        if (done !== undefined) {
          runs.push(done)
          continue
        }
        const r = await trainLinear(experiment, space, point, seed, context, store)
        await store.saveResult(key, r)
        runs.push(r)
      }
    }
  }
  return runs
}

async function trainLinear(experiment: string, space: SpaceKind, point: GridPoint, seed: number, context: ExperimentContext<Fig1SpectrumConfig>, store: CheckpointStore): Promise<SpectrumRun> {
  const { config, log, signal, userDgp } = context
  const { dc, sigmaC, tauC } = point
  const normalized = space === 'sphere' && point.unnormalized !== true
  const settings = config.spaces[space]!
  const key = runKey(space, dc, sigmaC, tauC, seed, point.unnormalized, point.adaptive)
  const { dgp, generatorWeights } = fig1SpectrumDgp(experiment, space, point, seed, config, userDgp)
  // The encoder's first d_c outputs get τ_c (the model is free to route content there).
  const fixedTau = dc === 0 ? [...Array(config.dims)].map(() => config.tauStyle) : contentStyleTau({ dims: config.dims, contentDims: dc, tauContent: tauC, tauStyle: config.tauStyle })
  const adaptive: AdaptiveTemperature | undefined =
    point.adaptive === true && config.adaptive !== undefined
      ? createAdaptiveTemperature({ ...adaptiveOptions(config.adaptive, space), dims: config.dims, tauStyle: config.tauStyle, name: `fig1-${key}-tau` })
      : undefined
  const f = createLinearEncoder({ inputDim: config.dims, outputNormalization: normalized ? 'fixedSphere' : 'none', seed, name: `fig1-${key}` })
  try {
    const common = { space, encoder: f, dgp, seed, key, train: settings.train, store, log, signal, onTrainStep: context.onTrainStep, label: `fig1 ${key}` }
    const outcome = await trainEncoder(adaptive !== undefined ? { ...common, adaptive } : { ...common, tau: fixedTau })
    const tau = adaptive !== undefined ? Array.from(adaptive.values()) : fixedTau
    const { weights, endToEnd, effective } = linearSpectra(f.weightMatrix(), generatorWeights, tau)
    return {
      space,
      contentDims: dc,
      contentSigma: sigmaC,
      tauContent: adaptive !== undefined ? tau[0]! : tauC,
      normalized,
      seed,
      weights,
      endToEnd,
      effective,
      finalLoss: outcome.finalLoss,
      lossHistory: outcome.lossHistory,
      ...(adaptive !== undefined ? { adaptive: adaptiveOutcome(adaptive, tau, adaptive.source, config.dims) } : {}),
    }
  } finally {
    f.dispose()
    adaptive?.dispose()
  }
}
