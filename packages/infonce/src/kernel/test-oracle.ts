import type { PairwiseLseAttrs } from '../pairwise-lse-kernel.js'

/**
 * Float64 plain-TS oracle of the fused pairwise log-sum-exp (pairwise-lse-kernel.ts), straight from the formulas:
 * full row of logits, max-shifted log-sum-exp, P_ij = exp(l_ij − lse_i). Test-only (not published).
 */
export function lseOracle(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  n: number,
  m: number,
  d: number,
  attrs: PairwiseLseAttrs,
): { lse: Float64Array; da: Float64Array; db: Float64Array; dw: Float64Array } {
  const { form, p, excludeSelf, rowOffset } = attrs
  const eps = p < 1 ? 1e-12 : 0
  const t = (x: number) => Math.pow(Math.abs(x) + eps, p)
  const dt = (x: number) => (x === 0 ? 0 : p * Math.pow(Math.abs(x) + eps, p - 1) * Math.sign(x))
  const lse = new Float64Array(n)
  const da = new Float64Array(n * d)
  const db = new Float64Array(m * d)
  const dw = new Float64Array(d)
  const l = new Float64Array(m)
  for (let i = 0; i < n; i++) {
    let mx = -Infinity
    for (let j = 0; j < m; j++) {
      if (excludeSelf && j === i + rowOffset) {
        l[j] = -Infinity
        continue
      }
      let s = 0
      for (let k = 0; k < d; k++) {
        const ai = a[i * d + k]!
        const bj = b[j * d + k]!
        s += form === 'dot' ? w[k]! * ai * bj : -w[k]! * t(ai - bj)
      }
      l[j] = s
      mx = Math.max(mx, s)
    }
    if (mx === -Infinity) {
      lse[i] = -1e9
      continue
    }
    let sum = 0
    for (let j = 0; j < m; j++) sum += Math.exp(l[j]! - mx)
    lse[i] = mx + Math.log(sum)
    for (let j = 0; j < m; j++) {
      const g = dy[i]! * Math.exp(l[j]! - lse[i]!)
      if (g === 0) continue
      for (let k = 0; k < d; k++) {
        const ai = a[i * d + k]!
        const bj = b[j * d + k]!
        if (form === 'dot') {
          da[i * d + k]! += g * w[k]! * bj
          db[j * d + k]! += g * w[k]! * ai
          dw[k]! += g * ai * bj
        } else {
          da[i * d + k]! -= g * w[k]! * dt(ai - bj)
          db[j * d + k]! += g * w[k]! * dt(ai - bj)
          dw[k]! -= g * t(ai - bj)
        }
      }
    }
  }
  return { lse, da, db, dw }
}

/** max |x − y| / max(max |y|, floor). */
export function maxRelError(x: ArrayLike<number>, y: ArrayLike<number>, floor = 1e-6): number {
  let scale = floor
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]!))
  let err = 0
  for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(x[i]! - y[i]!))
  if (x.length !== y.length) return Infinity
  return err / scale
}
