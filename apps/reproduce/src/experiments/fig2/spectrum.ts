import { covarianceSpectrum, effectiveRank } from '@cl/metrics'
import type { FeatureMatrix } from '../images/features.js'

/** Collapse measures of one representation's covariance spectrum (Fig. 2). */
export interface SpectrumSummary {
  /** Eigenvalues of the covariance divided by their sum (so they sum to 1), descending. */
  readonly normalized: number[]
  /** exp(entropy) of `normalized` (Roy & Vetterli): 1 = one direction, width = isotropic. */
  readonly effectiveRank: number
  /** effectiveRank / width: comparable across the different widths before and after the projector. */
  readonly effectiveRankFraction: number
  /** Eigenvalues below 10⁻³ of the largest (a second, threshold view of collapse). */
  readonly belowMilli: number
  readonly width: number
}

/**
 * Spectrum of a representation's covariance (Fig. 2; DirectCLR `spectrum.py` protocol: sample covariance over the
 * test images, eigenvalues descending) of the representation as given — no further ℓ2-normalisation, the 'after'
 * features already are what the loss compares — with the eigenvalues normalised by their sum.
 */
export function summarizeSpectrum(features: FeatureMatrix): SpectrumSummary {
  const { eigenvalues } = covarianceSpectrum(features, { l2Normalize: false })
  const total = eigenvalues.reduce((a, b) => a + b, 0)
  const normalized = eigenvalues.map((x) => (total > 0 ? x / total : 0))
  const width = features.shape[1]
  const max = normalized[0] ?? 0
  const er = effectiveRank(normalized)
  return { normalized, effectiveRank: er, effectiveRankFraction: er / width, belowMilli: normalized.filter((x) => x < 1e-3 * max).length, width }
}
