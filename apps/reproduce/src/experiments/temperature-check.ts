import { InvalidConfigError } from '@cl/core'

/** Smallest positive normal float32, 2⁻¹²⁶. */
export const FLOAT32_MIN_NORMAL = 2 ** -126
/** Largest finite float32. */
export const FLOAT32_MAX = (2 - 2 ** -23) * 2 ** 127

/**
 * A temperature τ must survive float32, where the losses compute (§4.1: the logits are distances or similarities over
 * τ): not 0 or subnormal after rounding (the logits become ±Infinity or lose all precision), its reciprocal finite,
 * and not itself rounded to Infinity. Throws an InvalidConfigError naming `field`.
 */
export function checkTemperature(field: string, tau: number): void {
  const t = Math.fround(tau)
  const ok = Number.isFinite(t) && t >= FLOAT32_MIN_NORMAL && t <= FLOAT32_MAX && Number.isFinite(Math.fround(1 / t))
  if (!ok) throw new InvalidConfigError(field, `a temperature representable in float32: ${FLOAT32_MIN_NORMAL.toExponential(4)} ≤ τ ≤ ${FLOAT32_MAX.toExponential(4)} (0, subnormal or infinite τ breaks the float32 logits)`, tau)
}
