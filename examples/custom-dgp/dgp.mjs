// A custom data generating process for `cl-reproduce run <experiment> --dgp examples/custom-dgp/dgp.mjs`.
//
// It is deliberately not the paper's (§4.1: uniform marginal, truncated-normal style step, invertible MLP):
//   marginal     z_k ~ Beta(2, 2) on the box [0, 1]^d (i.i.d. per dim)
//   conditional  content z̃_c = z_c exactly (δ); style z̃_s = reflect(z_s + Laplace(0, b)) folded back into [0, 1]
//   generator    x = H₂ · sinh(c · H₁ · (z − ½)), H₁, H₂ seeded Householder reflections; exact inverse
//                z = ½ + H₁ · asinh(H₂ · x) / c (a Householder reflection is its own inverse)
//
// Contract: the default export is a factory `({ space, dims, contentDims, seed }) => Dgp` (a `@cl/dgp` Dgp).
// Written against the public APIs of @cl/dgp and @cl/core only; cl-reproduce resolves both (and @tensorflow/tfjs)
// to its own copies, so this file needs no node_modules beside it.
import { InvalidConfigError, createRng } from '@cl/core'
import { assembleDgp, defineGenerator, resolveContentStyleSplit } from '@cl/dgp'

/** Scale b of the Laplace style step. */
export const LAPLACE_SCALE = 0.05
/** Gain c inside the sinh: large enough that g is visibly non-linear on [−½, ½]^d (sinh(1.5) ≈ 2.13). */
export const SINH_GAIN = 3

/** Fold any real number back into [0, 1] by reflecting at the faces (a triangle wave of period 2). */
export function reflectIntoUnit(v) {
  const m = v - 2 * Math.floor(v / 2) // in [0, 2)
  return m > 1 ? 2 - m : m
}

/** The box [0, 1]^d with i.i.d. Beta(2, 2) coordinates (mean ½, variance 1/20). */
export function createBetaBox(dims) {
  return {
    kind: 'beta-box',
    dims,
    sampleMarginal(rng, n) {
      const out = new Float64Array(n * dims)
      for (let i = 0; i < out.length; i++) out[i] = rng.beta(2, 2)
      return out
    },
    contains(z, tolerance = 0) {
      if (z.length !== dims) return false
      for (let k = 0; k < dims; k++) if (!(z[k] >= -tolerance && z[k] <= 1 + tolerance)) return false
      return true
    },
  }
}

/** δ content, Laplace(0, b) style step reflected into [0, 1]. */
export function createReflectedLaplaceConditional(dims, split, scale = LAPLACE_SCALE) {
  return {
    kind: 'laplace-reflected',
    sample(rng, z, n) {
      const out = Float64Array.from(z) // content dims stay bit-identical copies
      for (let i = 0; i < n; i++) {
        for (const k of split.styleIndices) {
          const j = i * dims + k
          out[j] = reflectIntoUnit(z[j] + rng.laplace(scale))
        }
      }
      return out
    },
  }
}

/** A unit vector v with a seeded Gaussian direction; H = I − 2vvᵀ. */
function householderVector(rng, dims) {
  const v = rng.normalArray(dims)
  let norm = 0
  for (const x of v) norm += x * x
  norm = Math.sqrt(norm)
  return v.map((x) => x / norm)
}

/** Apply H = I − 2vvᵀ to every row of a row-major [n, d] array (in place on `out`). */
function reflectRows(v, a, n, out) {
  const d = v.length
  for (let i = 0; i < n; i++) {
    let dot = 0
    for (let k = 0; k < d; k++) dot += v[k] * a[i * d + k]
    for (let k = 0; k < d; k++) out[i * d + k] = a[i * d + k] - 2 * dot * v[k]
  }
  return out
}

/** x = H₂ sinh(c H₁ (z − ½)) and its exact inverse, both in float64. */
export function createHouseholderSinhGenerator(dims, seed, gain = SINH_GAIN) {
  const rng = createRng(seed).fork('householder-sinh')
  const v1 = householderVector(rng.fork(1), dims)
  const v2 = householderVector(rng.fork(2), dims)
  return defineGenerator({
    kind: 'householder-sinh',
    dims,
    forwardArray(z, n) {
      const u = reflectRows(v1, z.map((t) => t - 0.5), n, new Float64Array(z.length))
      return reflectRows(v2, u.map((t) => Math.sinh(gain * t)), n, new Float64Array(z.length))
    },
    inverseArray(x, n) {
      const u = reflectRows(v2, x, n, new Float64Array(x.length)).map((t) => Math.asinh(t) / gain)
      return reflectRows(v1, u, n, new Float64Array(x.length)).map((t) => t + 0.5)
    },
  })
}

/**
 * The factory cl-reproduce calls, once per (space, d, d_c, seed) an experiment needs. This DGP lives on the box only;
 * a sphere experiment gets a one-line error saying so.
 */
export default function betaLaplaceHouseholderDgp({ space, dims, contentDims, seed }) {
  if (space !== 'box') throw new InvalidConfigError('space', "'box' (this example DGP lives on the hyperbox [0, 1]^d)", space)
  const split = resolveContentStyleSplit(dims, contentDims) // first d_c dims are content
  return assembleDgp({
    space: createBetaBox(dims),
    conditional: createReflectedLaplaceConditional(dims, split),
    generator: createHouseholderSinhGenerator(dims, seed),
    split,
    seed,
  })
}
