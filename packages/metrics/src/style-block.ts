import { InvalidConfigError, NonFiniteError } from '@cl/core'

/**
 * The style block of a spectrum (§4.1, Fig. 1; §4.2): the mean of the `styleDims` smallest values of a normalised
 * spectrum (singular values or √eigenvalues over the largest). With d_c content dimensions the d − d_c smallest
 * directions are where style lives; a flat, uncollapsed spectrum gives a style block near 1, a collapsed one near 0.
 * The input order does not matter (the smallest values are selected, not the last ones).
 */
export function styleBlockMean(spectrum: readonly number[], styleDims: number): number {
  if (!Number.isInteger(styleDims) || styleDims < 1 || styleDims > spectrum.length) {
    throw new InvalidConfigError('styleDims', `an integer in [1, ${spectrum.length}] (the spectrum's length)`, styleDims)
  }
  if (spectrum.some((x) => !Number.isFinite(x))) throw new NonFiniteError('spectrum')
  const smallest = [...spectrum].sort((a, b) => a - b).slice(0, styleDims)
  return smallest.reduce((a, b) => a + b, 0) / styleDims
}
