import { InvalidConfigError } from '@cl/core'
import {
  buildLayeredGenerator,
  drawConditionedLayers,
  toMatrices,
  type InvertibleMlp,
  type InvertibleMlpOptions,
} from './invertible-mlp.js'

/**
 * A linear invertible generator x = W·z (the paper's linear DGP, §4.1: d = 8; Assum. 1 writes x = W⁻¹z for the
 * *encoder* W — here `weights` is the generator's own matrix). It is cl-ica's construction with one layer: a
 * column-normalised U(−1,1) matrix redrawn until its condition number is below the threshold (our reading
 * of the paper's "linear g", §4.1), bias-free, no activation.
 */
export interface LinearGenerator extends InvertibleMlp {
  readonly kind: 'linear'
  /** W, `[out][in]`, PyTorch convention: x_i = Σ_j W_ij z_j, i.e. X = Z·Wᵀ for a batch of rows. tfjs kernel = Wᵀ. */
  readonly weights: readonly (readonly number[])[]
  /** W⁻¹ (float64). */
  readonly inverseWeights: readonly (readonly number[])[]
}

function asLinear(g: InvertibleMlp): LinearGenerator {
  const layer = g.layers[0]
  if (layer === undefined) throw new InvalidConfigError('generator.weights', 'one square matrix', g.layers)
  return Object.assign(g, { kind: 'linear' as const, weights: layer.weight, inverseWeights: layer.inverseWeight })
}

/** Create a linear generator by cl-ica's condition-number procedure (see {@link InvertibleMlpOptions}). */
export function createLinearGenerator(options: Omit<InvertibleMlpOptions, 'layers' | 'slope'>): LinearGenerator {
  const { matrices, info } = drawConditionedLayers(options, 1)
  return asLinear(buildLayeredGenerator('linear', matrices, { ...info, slope: 1 }))
}

/** A linear generator from a given invertible d×d matrix (PyTorch convention `[out][in]`, x = W·z). */
export function linearGeneratorFromMatrix(weights: readonly (readonly number[])[]): LinearGenerator {
  return asLinear(buildLayeredGenerator('linear', toMatrices([weights]), { slope: 1, conditionThreshold: null, thresholdDraws: 0, draws: [] }))
}
