import type { Claim } from '../experiment.js'
import { formatMeanStd, meanStd } from '../stats.js'
import { APPENDIX_E_PAPER } from './presets.js'

/** One DirectCLR-style model. */
export interface AppendixESeedResult {
  readonly seed: number
  /** Readout test accuracy (%) on h (input of the last block) and on r (backbone output). */
  readonly readoutH: number
  readonly readoutR: number
  /** Σ|w| per output channel of the last residual conv (Fig. 4). */
  readonly channelAbsSums: number[]
  /** Mean Σ|w| of the channels inside (< d) and outside (≥ d) the loss. */
  readonly insideMean: number
  readonly outsideMean: number
  /** ‖r[:, d:] − h[:, d:]‖ / ‖h[:, d:]‖ on the test images (eq. 28). */
  readonly tailRelativeDifference: number
  readonly width: number
  readonly lossHistory: [number, number][]
  readonly trainSeconds: number
}

/**
 * Pre-registered thresholds (docs/images/appendix-e.md): the channels outside the loss are "driven to zero" when their
 * mean Σ|w| is below {@link ZERO_FRACTION} of the inside channels' mean; eq. 28 holds when r[:, d:] equals h[:, d:] to a
 * relative {@link EQ28_TOLERANCE}.
 */
export const ZERO_FRACTION = 0.01
export const EQ28_TOLERANCE = 1e-3

/**
 * Appx. E's claims, on every seed:
 * 1. weight decay drives the last residual conv's weights of the channels ≥ d to zero (Fig. 4);
 * 2. eq. 28: r = cat(h[:d] + conv(h), h[d:]) — r[:, d:] = h[:, d:];
 * 3. the readout on h is at least as good as the readout on r (63.1 vs 61.6 % on ImageNet).
 */
export function appendixEClaims(results: readonly AppendixESeedResult[], d: number): Claim[] {
  const n = results.length
  const ratio = (r: AppendixESeedResult) => (r.insideMean > 0 ? r.outsideMean / r.insideMean : Infinity)
  const worstRatio = Math.max(...results.map(ratio))
  const worstTail = Math.max(...results.map((r) => r.tailRelativeDifference))
  const h = { ...meanStd(results.map((r) => r.readoutH)), n }
  const rr = { ...meanStd(results.map((r) => r.readoutR)), n }
  const hWins = results.filter((r) => r.readoutH >= r.readoutR).length
  return [
    {
      id: 'outside-weights-vanish',
      description: `weight decay drives the last residual conv's weights of the channels outside the loss (≥ d = ${d}) to zero (Fig. 4)`,
      expected: `mean Σ|w| of channels ≥ d < ${ZERO_FRACTION * 100} % of that of channels < d (every seed)`,
      measured: `${(100 * worstRatio).toPrecision(3)} % (largest over ${n} seed${n === 1 ? '' : 's'})`,
      holds: worstRatio < ZERO_FRACTION,
    },
    {
      id: 'eq28-tail-is-h',
      description: 'eq. 28: the backbone output r equals h on the dims outside the loss, r[:, d:] = h[:, d:]',
      expected: `‖r[:, d:] − h[:, d:]‖ / ‖h[:, d:]‖ ≤ ${EQ28_TOLERANCE} on the test images (every seed)`,
      measured: `${worstTail.toExponential(2)} (largest)`,
      holds: worstTail <= EQ28_TOLERANCE,
    },
    {
      id: 'readout-h-beats-r',
      description: 'a linear readout on h is at least as good as one on r',
      expected: `readout(h) ≥ readout(r) on every seed (paper, ${APPENDIX_E_PAPER.dataset}: ${APPENDIX_E_PAPER.readoutH[0]} ± ${APPENDIX_E_PAPER.readoutH[1]} % vs ${APPENDIX_E_PAPER.readoutR[0]} ± ${APPENDIX_E_PAPER.readoutR[1]} %)`,
      measured: `${formatMeanStd(h, 1)} % vs ${formatMeanStd(rr, 1)} % (${hWins}/${n} seeds)`,
      holds: hWins === n,
    },
  ]
}
