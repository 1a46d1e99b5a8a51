import { singularValues } from '@cl/metrics'
import { createLinearEncoder } from '@cl/models'
import { stepSeed } from '../stats.js'
import { theoryLinearDgp } from '../theory/linear-setup.js'
import type { TheoryDynamicsConfig } from './config.js'
import { batchCovariances, populationCovariances, type PopulationCovariances } from './covariances.js'
import { eq4GradientsTf, GRADIENT_KINDS, type GradientKind } from './eq4-gradient.js'
import { combine, matMul, relativeError, scale, type Mat } from '../matrix.js'

/** The factor k of the marginal term in the M → ∞ limit −∂L/∂W → W·[k·Σ_x − Σ_x̃]: 1 for eq. (7), 2 for full autodiff. */
export const MARGINAL_FACTOR: Record<GradientKind, number> = { paper: 1, full: 2 }

/** One W at which the gradient is evaluated: s·A⁻¹ or the encoder's random initialisation. */
export interface WeightPoint {
  readonly label: string
  /** s of W = s·A⁻¹; null for the random initialisation. */
  readonly scale: number | null
}

export function weightPoints(config: TheoryDynamicsConfig): WeightPoint[] {
  return [...config.scales.map((s) => ({ label: `W = ${s}·A⁻¹`, scale: s })), ...(config.randomInit ? [{ label: 'W = random init', scale: null }] : [])]
}

/** The gradient of one (seed, W, M, kind, batch) against its predicted limits. */
export interface GradientSample {
  seed: number
  weights: string
  scale: number | null
  negatives: number
  kind: GradientKind
  batch: number
  /** ‖−∂L/∂W − W[kΣ_x − Σ_x̃]‖_F / ‖W[kΣ_x − Σ_x̃]‖_F with the population covariances (k from the kind). */
  errorPopulation: number
  /** The same against (M/(M+1))·W[k·Ŝ_x − Σ̂_x̃] with this batch's estimates (the uniform-α value at finite M). */
  errorBatch: number
  /** Against the other kind's limit W[(3 − k)Σ_x − Σ_x̃] (population): tells which limit the gradient follows. */
  errorOtherLimit: number
  /** Singular values of −∂L/∂W (descending); kept at the largest M only. */
  singularValues?: number[]
}

/** Predicted limit spectra: singular values of W[kΣ_x − Σ_x̃] per (seed, W, kind). */
export interface PredictedSpectrum {
  seed: number
  weights: string
  kind: GradientKind
  singularValues: number[]
}

export interface DynamicsSweep {
  samples: GradientSample[]
  predicted: PredictedSpectrum[]
  /** Per seed: the latent covariances σ_z², E[(z̃ − z)²] the prediction uses. */
  covariances: { seed: number; latentMarginal: number[]; latentConditional: number[] }[]
}

export function limitOf(w: Mat, pop: Pick<PopulationCovariances, 'marginal' | 'conditional'>, k: number): Mat {
  return matMul(w, combine(k, pop.marginal, -1, pop.conditional))
}

/** Evaluate the eq. (4) gradient over the M sweep, every W and both kinds (Lemma 5); `log` reports progress per M. */
export function runDynamicsSweep(config: TheoryDynamicsConfig, seeds: readonly number[], log: (line: string) => void): DynamicsSweep {
  const samples: GradientSample[] = []
  const predicted: PredictedSpectrum[] = []
  const covariances: DynamicsSweep['covariances'] = []
  const largest = config.negatives[config.negatives.length - 1]!
  for (const seed of seeds) {
    const setup = theoryLinearDgp({ space: 'box', dims: config.dims, contentDims: config.contentDims, sigmaStyle: config.sigmaStyle, thresholdDraws: config.generator.thresholdDraws, seed })
    const pop = populationCovariances(setup.generator, config.contentDims, config.sigmaStyle)
    covariances.push({ seed, latentMarginal: pop.latentMarginal, latentConditional: pop.latentConditional })
    const ws = weightPoints(config).map((p) => {
      if (p.scale !== null) return { ...p, w: scale(p.scale, setup.inverse) }
      const f = createLinearEncoder({ inputDim: config.dims, seed, name: `theory-dynamics-init-${seed}` })
      try {
        return { ...p, w: f.weightMatrix() }
      } finally {
        f.dispose()
      }
    })
    for (const p of ws) for (const kind of GRADIENT_KINDS) predicted.push({ seed, weights: p.label, kind, singularValues: singularValues(limitOf(p.w, pop, MARGINAL_FACTOR[kind])) })
    for (const m of config.negatives) {
      const n = m + 1
      const started = Date.now()
      for (let batch = 0; batch < config.batches; batch++) {
        const b = setup.dgp.reseed(stepSeed(seed, `theory-dynamics-M${m}`, batch)).sampleArrays(n)
        const estimates = batchCovariances(b.x, b.xPositive, n, config.dims)
        for (const p of ws) {
          const gradients = eq4GradientsTf(p.w, b.x, b.xPositive, n)
          for (const kind of GRADIENT_KINDS) {
            const k = MARGINAL_FACTOR[kind]
            const descent = scale(-1, gradients[kind])
            samples.push({
              seed,
              weights: p.label,
              scale: p.scale,
              negatives: m,
              kind,
              batch,
              errorPopulation: relativeError(descent, limitOf(p.w, pop, k)),
              errorBatch: relativeError(descent, scale(m / n, limitOf(p.w, estimates, k))),
              errorOtherLimit: relativeError(descent, limitOf(p.w, pop, 3 - k)),
              ...(m === largest ? { singularValues: singularValues(descent) } : {}),
            })
          }
        }
      }
      log(`theory-dynamics seed ${seed}: M = ${m} (${config.batches} batches × ${ws.length} W × 2 gradients) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    }
  }
  return { samples, predicted, covariances }
}
