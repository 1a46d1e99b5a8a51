import { z } from 'zod'
import type { AdaptiveTemperature, AdaptiveTemperatureOptions } from '@cl/infonce'
import { int, positive } from '../config-parts.js'

/**
 * The adaptive-temperature run (Prop. 2 + Prop. 3 during training, `createAdaptiveTemperature` of `@cl/infonce`): τ
 * re-estimated from the running gradient spectrum (box: the un-tempered distance-form gradients) or the pair
 * covariances (sphere, whose dot-product uniformity gradient is not negative definite).
 */
export const adaptiveTauSchema = z
  .strictObject({
    enabled: z.boolean().describe('train the adaptive-τ run (false skips it and its claim)'),
    reading: z
      .enum(['representation', 'logits'])
      .describe("Prop. 3's reading: 'representation' τ_c = (ρ_c/ρ_s)·τ_s = (σ_c/σ_s)²·τ_s (the fixed τ_c of the presets), 'logits' τ_c = (σ_c/σ_s)·τ_s"),
    floor: positive.describe('lower clamp of τ_c, in (0, τ_s] (a δ content has ρ_c = 0 and would give τ_c = 0)'),
    updateEvery: int(1).describe('training steps between τ updates (each reads one extra seeded batch), ≥ 1'),
    momentum: z.number().min(0).lt(1).describe('EMA momentum in log τ, in [0, 1) (0: τ jumps to each estimate)'),
    source: z
      .enum(['auto', 'gradient', 'covariance'])
      .describe("what d̂_c and ρ are read from: 'auto' = the un-tempered distance-form gradients on the box (Prop. 2), the pair covariances on the sphere; 'covariance' is scale-invariant, the gradient reading holds while distances are O(τ) (Lemma 5: α_ij ≈ 1/M)"),
  })
  .describe('adaptive τ (Prop. 2 + 3): d̂_c and τ_c estimated during training; omit or enabled = false to skip')

export type AdaptiveTauConfig = z.infer<typeof adaptiveTauSchema>

/** The `createAdaptiveTemperature` options a config block sets for a space (dims and τ_s come from the experiment). */
export function adaptiveOptions(config: AdaptiveTauConfig, space: 'box' | 'sphere'): Pick<AdaptiveTemperatureOptions, 'reading' | 'floor' | 'momentum' | 'updateEvery'> & { source: 'gradient' | 'covariance' } {
  return { reading: config.reading, floor: config.floor, momentum: config.momentum, updateEvery: config.updateEvery, source: adaptiveSource(config, space) }
}

/** `'auto'`: the gradient spectrum where the uniformity gradient is negative definite (box, distance form), else covariances. */
export function adaptiveSource(config: AdaptiveTauConfig, space: 'box' | 'sphere'): 'gradient' | 'covariance' {
  return config.source !== 'auto' ? config.source : space === 'box' ? 'gradient' : 'covariance'
}

/** What the adaptive τ ended at and how its estimates went (the run's `effective` spectrum uses the final τ). */
export interface AdaptiveTauOutcome {
  /** Final τ per output dimension. */
  tau: number[]
  /** `'gradient'` (box: un-tempered distance-form gradients) or `'covariance'` (sphere). */
  source: 'gradient' | 'covariance'
  /** Updates run by the last training call (after a resume: since the resume). */
  updates: number
  /** d̂_c of the last update (Prop. 2), and how often each d̂_c was estimated (index = d̂_c). */
  lastContentDims: number
  contentDimsCounts: number[]
  /** Target τ_c of the last update before clamping, (ρ_c/ρ_s)^power·τ_s (null without updates). */
  lastTauContentRaw: number | null
  /** Updates whose gradient estimate fell back to covariances. */
  fallbacks: number
}

/** Summarise an adaptive τ after training: final τ (as read back) and its update history. */
export function adaptiveOutcome(adaptive: AdaptiveTemperature, tau: number[], source: 'gradient' | 'covariance', dims: number): AdaptiveTauOutcome {
  const counts = new Array<number>(dims).fill(0)
  for (const u of adaptive.history) counts[u.contentDims]! += 1
  const last = adaptive.last
  return {
    tau,
    source,
    updates: adaptive.history.length,
    lastContentDims: last?.contentDims ?? 0,
    contentDimsCounts: counts,
    lastTauContentRaw: last !== undefined ? last.tauContentRaw : null,
    fallbacks: adaptive.history.filter((u) => u.fallback !== undefined).length,
  }
}
