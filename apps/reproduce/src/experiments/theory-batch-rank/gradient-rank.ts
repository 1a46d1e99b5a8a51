import { singularValues } from '@cl/metrics'
import { stepSeed } from '../stats.js'
import { theoryLinearDgp } from '../theory/linear-setup.js'
import { batchCovariances, populationCovariances } from '../theory-dynamics/covariances.js'
import { eq4GradientF64 } from '../theory-dynamics/eq4-gradient-f64.js'
import { combine, matMul, scale } from '../matrix.js'
import type { TheoryBatchRankConfig } from './config.js'
import { numericalRank } from '../theory/numerical-rank.js'

/** Ranks of one batch (Lemma 6): the eq. (4) gradient (both kinds) and the two covariance estimates. */
export interface RankSample {
  seed: number
  contentDims: number
  batchSize: number
  batch: number
  /** ∂L/∂W with the negatives held constant (eq. 7). */
  rankPaper: number
  /** ∂L/∂W by full differentiation (what training uses). */
  rankFull: number
  /** Ŝ_x (centred, N − 1). */
  rankMarginal: number
  /** Σ̂_x̃ = (1/N)Σ (x_i − x̃_i)(x_i − x̃_i)ᵀ. */
  rankConditional: number
  /** Singular values of the full gradient over σ_1 (descending). */
  spectrum: number[]
}

/** The N → ∞ values the conditioning approaches, per seed (log10 σ_1/σ_d). */
export interface PopulationConditioning {
  seed: number
  /** Σ_x = A·diag(1/12)·Aᵀ. */
  logConditionMarginal: number
  /** The full gradient's small-W limit W[2Σ_x − Σ_x̃] (at W = scale·A⁻¹ α is not uniform; a reference, not the limit). */
  logConditionGradientLimit: number
}

/** Condition numbers of one batch (N ≥ d), as log10. */
export interface ConditioningSample {
  seed: number
  batchSize: number
  batch: number
  /** log10 σ_1/σ_d of the full gradient ∂L/∂W. */
  logConditionGradient: number
  /** log10 σ_1/σ_d of Ŝ_x. */
  logConditionMarginal: number
}

function logCondition(values: readonly number[]): number {
  return Math.log10(values[0]! / values[values.length - 1]!)
}

/**
 * Part A (no training): the float64 gradient of the per-anchor mean of eq. (4) at W = scale·A⁻¹ on fresh batches
 * of every size, its numerical rank (σ > tolerance·σ_1) and, for N ≥ d, its condition number.
 */
export function measureGradientRanks(config: TheoryBatchRankConfig, seeds: readonly number[], log: (line: string) => void): { ranks: RankSample[]; conditioning: ConditioningSample[]; population: PopulationConditioning[] } {
  const ranks: RankSample[] = []
  const conditioning: ConditioningSample[] = []
  const population: PopulationConditioning[] = []
  const { dims, sigmaStyle } = config
  const setupOf = (seed: number, contentDims: number) => theoryLinearDgp({ space: 'box', dims, contentDims, sigmaStyle, thresholdDraws: config.generator.thresholdDraws, seed })
  for (const seed of seeds) {
    for (const contentDims of config.rank.contentDims) {
      const setup = setupOf(seed, contentDims)
      const w = scale(config.rank.scale, setup.inverse)
      for (const batchSize of config.rank.batchSizes) {
        for (let batch = 0; batch < config.rank.batches; batch++) {
          const b = setup.dgp.reseed(stepSeed(seed, `theory-batch-rank-dc${contentDims}-N${batchSize}`, batch)).sampleArrays(batchSize)
          const g = eq4GradientF64(w, b.x, b.xPositive, batchSize)
          const est = batchCovariances(b.x, b.xPositive, batchSize, dims)
          const full = singularValues(g.full)
          const tol = config.rank.tolerance
          ranks.push({
            seed,
            contentDims,
            batchSize,
            batch,
            rankPaper: numericalRank(singularValues(g.paper), tol),
            rankFull: numericalRank(full, tol),
            rankMarginal: numericalRank(singularValues(est.marginal), tol),
            rankConditional: numericalRank(singularValues(est.conditional), tol),
            spectrum: full.map((s) => s / full[0]!),
          })
        }
      }
      log(`theory-batch-rank seed ${seed}: ranks for d_c = ${contentDims} done`)
    }
    const setup = setupOf(seed, config.conditioning.contentDims)
    const w = scale(config.rank.scale, setup.inverse)
    const pop = populationCovariances(setup.generator, config.conditioning.contentDims, sigmaStyle)
    population.push({ seed, logConditionMarginal: logCondition(singularValues(pop.marginal)), logConditionGradientLimit: logCondition(singularValues(matMul(w, combine(2, pop.marginal, -1, pop.conditional)))) })
    for (const batchSize of config.conditioning.batchSizes) {
      for (let batch = 0; batch < config.conditioning.batches; batch++) {
        const b = setup.dgp.reseed(stepSeed(seed, `theory-batch-rank-cond-N${batchSize}`, batch)).sampleArrays(batchSize)
        const g = eq4GradientF64(w, b.x, b.xPositive, batchSize)
        const est = batchCovariances(b.x, b.xPositive, batchSize, dims)
        conditioning.push({ seed, batchSize, batch, logConditionGradient: logCondition(singularValues(g.full)), logConditionMarginal: logCondition(singularValues(est.marginal)) })
      }
      log(`theory-batch-rank seed ${seed}: conditioning at N = ${batchSize} done`)
    }
  }
  return { ranks, conditioning, population }
}
