import { spectrumDistance, styleBlockMean } from '@cl/metrics'
import { meanStd } from '../stats.js'
import type { TheoryTauHeuristicConfig } from './config.js'
import type { TauRun } from './run.js'

/** The two readings of Prop. 3 (τ_c ∼ σ_c/σ_s when τ_s = 1): the temperature of the logits or a scale of the representation. */
export const READINGS = ['logits', 'representation'] as const
export type Reading = (typeof READINGS)[number]

/**
 * τ_c of a reading for σ_c/σ_s = `ratio`. Our Lp-InfoNCE divides squared distances by τ_k, so τ acts on the logits:
 * - `logits`: τ_c/τ_s = σ_c/σ_s (Prop. 3 applied to the logit temperature as written);
 * - `representation`: the content outputs are scaled by 1/(σ_c/σ_s), whose square enters the squared distances, so the
 *   logit temperature is τ_c/τ_s = (σ_c/σ_s)².
 */
export function readingTau(reading: Reading, ratio: number, tauStyle: number): number {
  return tauStyle * (reading === 'logits' ? ratio : ratio * ratio)
}

/** |ln a − ln b|: distance of two temperatures on the log axis (the grid is logarithmic). */
export function logDistance(a: number, b: number): number {
  return Math.abs(Math.log(a) - Math.log(b))
}

/** One grid point of one ratio: the flatness measures (mean over seeds). */
export interface TauPointMeasures {
  readonly tauContent: number
  /** Primary: mean |σ_k(W) − σ_k(W at d_c = 0)| with the same seed (same g), `spectrumDistance`. */
  readonly distance: number
  /** Secondary: style block (the d − d_c smallest normalised σ) of W·A_g. */
  readonly styleBlockEndToEnd: number
  /** Secondary: style block of W. */
  readonly styleBlockWeights: number
  /** Secondary, reported only: content/style balance of W·A_g ({@link contentStyleBalance}), geometric mean over seeds. */
  readonly balance: number
  readonly finalLoss: number
  readonly seeds: number
}

/** The sweep of one ratio: every τ_c's measures, the flattest τ* and where it lies relative to both readings. */
export interface RatioMeasures {
  readonly ratio: number
  readonly points: readonly TauPointMeasures[]
  /** The τ_c of least primary distance (the first in ascending τ_c on ties). */
  readonly bestTau: number
  readonly best: TauPointMeasures
  /**
   * Whether τ* is the smallest or largest τ_c of the grid: then the minimum is not bracketed and τ* only bounds the
   * flattest τ_c (the true one may lie beyond the grid), so it cannot confirm a reading.
   */
  readonly bestAtGridEdge: boolean
  /** The τ_c = τ_s point. */
  readonly equal: TauPointMeasures
  /** The τ_c of each reading and |ln τ* − ln τ_reading|. */
  readonly readings: Record<Reading, { readonly tau: number; readonly logDistance: number }>
  /** τ* by the secondary measure (largest style block of W·A_g), reported only. */
  readonly bestTauEndToEnd: number
  /** τ_c where the content/style balance of W·A_g crosses 1 (log-log interpolation on the grid); null if it does not. */
  readonly balanceTau: number | null
}

const mean = (xs: readonly number[]) => meanStd(xs).mean

/**
 * Flatness of every grid point, per ratio. The distance of W's spectrum to the d_c = 0 reference of the same seed is
 * the primary measure (fixed before running, as in `fig1-spectrum`); the style blocks are reported beside it.
 */
export function ratioMeasures(config: TheoryTauHeuristicConfig, runs: readonly TauRun[]): RatioMeasures[] {
  const reference = runs.filter((r) => r.contentDims === 0)
  const refOf = (seed: number) => reference.find((r) => r.seed === seed) ?? reference[0]
  const ds = config.dims - config.contentDims
  const taus = [...config.tauContents].sort((a, b) => a - b)
  const out: RatioMeasures[] = []
  for (const ratio of config.ratios) {
    const points: TauPointMeasures[] = []
    for (const tauContent of taus) {
      const rs = runs.filter((r) => r.contentDims > 0 && r.ratio === ratio && r.tauContent === tauContent)
      if (rs.length === 0) continue
      points.push({
        tauContent,
        distance: mean(rs.map((r) => {
          const ref = refOf(r.seed)
          return ref === undefined ? Number.NaN : spectrumDistance(r.weights, ref.weights)
        })),
        styleBlockEndToEnd: mean(rs.map((r) => styleBlockMean(r.endToEnd, ds))),
        styleBlockWeights: mean(rs.map((r) => styleBlockMean(r.weights, ds))),
        balance: Math.exp(mean(rs.map((r) => Math.log(contentStyleBalance(r.endToEndMatrix, config.contentDims))))),
        finalLoss: mean(rs.map((r) => r.finalLoss)),
        seeds: rs.length,
      })
    }
    const equal = points.find((p) => p.tauContent === config.tauStyle)
    if (points.length === 0 || equal === undefined) continue
    const best = points.reduce((b, p) => (p.distance < b.distance ? p : b))
    const bestEndToEnd = points.reduce((b, p) => (p.styleBlockEndToEnd > b.styleBlockEndToEnd ? p : b))
    const reading = (which: Reading) => {
      const tau = readingTau(which, ratio, config.tauStyle)
      return { tau, logDistance: logDistance(best.tauContent, tau) }
    }
    const bestAtGridEdge = best === points[0] || best === points[points.length - 1]
    out.push({ ratio, points, bestTau: best.tauContent, best, bestAtGridEdge, equal, readings: { logits: reading('logits'), representation: reading('representation') }, bestTauEndToEnd: bestEndToEnd.tauContent, balanceTau: balanceCrossing(points) })
  }
  return out
}

/**
 * Content/style balance of the end-to-end map H = W·A_g (`[output][latent]`): the mean Euclidean norm of H's columns
 * of the content latents (j < d_c) over that of the style latents. 1 means content and style are encoded at the same
 * scale — the equal spectrum Prop. 3 aims at (eq. 16 ∼ 1); > 1 content dominates (collapse of style), < 1 content is
 * suppressed. Unlike the max-normalised spectra it is symmetric in over- and under-shooting (on a log scale).
 */
export function contentStyleBalance(map: readonly (readonly number[])[], contentDims: number): number {
  const cols = map[0]?.length ?? 0
  if (contentDims < 1 || contentDims >= cols) return Number.NaN
  const norm = (j: number) => Math.sqrt(map.reduce((s, row) => s + row[j]! ** 2, 0))
  const avg = (from: number, to: number) => mean(Array.from({ length: to - from }, (_, k) => norm(from + k)))
  return avg(0, contentDims) / avg(contentDims, cols)
}

/**
 * τ_c where the balance crosses 1, going up the grid (ascending τ_c): linear interpolation of ln balance against ln τ_c
 * between the first adjacent pair whose balances lie on either side of 1; null when no pair does.
 */
export function balanceCrossing(points: readonly Pick<TauPointMeasures, 'tauContent' | 'balance'>[]): number | null {
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!]
    const [la, lb] = [Math.log(a.balance), Math.log(b.balance)]
    if (!Number.isFinite(la) || !Number.isFinite(lb)) continue
    if (la === 0) return a.tauContent
    if (la * lb < 0 || lb === 0) {
      const t = la / (la - lb)
      return Math.exp(Math.log(a.tauContent) + t * (Math.log(b.tauContent) - Math.log(a.tauContent)))
    }
  }
  return null
}

/** Tolerance on log distances: a τ* exactly F away from a reading (a grid step) must count as within F. */
const LOG_EPS = 1e-9

/** Whether τ* lies within a factor `factor` of the reading's τ_c. */
export function withinFactor(logDist: number, factor: number): boolean {
  return logDist <= Math.log(factor) + LOG_EPS
}

/** Claims (b)/(c): τ* is bracketed by the grid (not at its edge) and within a factor F of the reading's τ_c. */
export function readingHolds(m: RatioMeasures, reading: Reading, factor: number): boolean {
  return !m.bestAtGridEdge && withinFactor(m.readings[reading].logDistance, factor)
}

/** The reading the data support and on what basis (see {@link supportedReading}). */
export interface SupportedReading {
  readonly reading: Reading | 'undecided'
  /** `claims`: more ratios satisfy its claim; `log distance`: the claims tie and τ* is closer to it on average. */
  readonly basis: 'claims' | 'log distance' | 'tie'
}

/**
 * Which reading the data support over all ratios: the one whose claim (b)/(c) holds for more ratios; on a tie the one
 * with the smaller mean |ln τ* − ln τ_reading|; `undecided` when those tie too (or there are no ratios).
 */
export function supportedReading(measures: readonly RatioMeasures[], factor: number): SupportedReading {
  if (measures.length === 0) return { reading: 'undecided', basis: 'tie' }
  const holds = (r: Reading) => measures.filter((m) => readingHolds(m, r, factor)).length
  const [h0, h1] = [holds('logits'), holds('representation')]
  if (h0 !== h1) return { reading: h0 > h1 ? 'logits' : 'representation', basis: 'claims' }
  const avg = (r: Reading) => mean(measures.map((m) => m.readings[r].logDistance))
  const [d0, d1] = [avg('logits'), avg('representation')]
  if (Math.abs(d0 - d1) <= LOG_EPS) return { reading: 'undecided', basis: 'tie' }
  return { reading: d0 < d1 ? 'logits' : 'representation', basis: 'log distance' }
}
