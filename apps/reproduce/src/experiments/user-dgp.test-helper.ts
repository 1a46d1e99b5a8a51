import { createDgp, createIdentityGenerator, defineGenerator, linearGeneratorFromMatrix, type Dgp } from '@cl/dgp'
import type { DgpFactory, UserDgp } from './experiment.js'

/**
 * Small user DGPs built with @cl/dgp's public API only, as a researcher would write them: a sinh generator with its
 * exact inverse (not the paper's), a linear one, and broken variants for the error paths.
 */
export function sinhGenerator(dims: number) {
  return defineGenerator({
    kind: 'sinh',
    dims,
    forwardArray: (z) => z.map(Math.sinh),
    inverseArray: (x) => x.map(Math.asinh),
  })
}

export function userDgp(factory: DgpFactory, module = '/tmp/my-dgp.mjs'): UserDgp {
  return { factory, module, sha256: 'ab'.repeat(32) }
}

/** Box: normal style; sphere: vMF style; g = sinh (elementwise, exactly invertible). */
export const sinhFactory: DgpFactory = ({ space, dims, contentDims, seed }) =>
  createDgp({ space, dims, contentDims, conditional: space === 'box' ? { kind: 'normal', sigma: 0.1 } : { kind: 'vmf', kappa: 20 }, generator: sinhGenerator(dims), seed })

/** A linear generator x = W·z with a fixed well-conditioned W (diagonally dominant). */
export const linearFactory: DgpFactory = ({ space, dims, contentDims, seed }) => {
  const w = Array.from({ length: dims }, (_, i) => Array.from({ length: dims }, (_, j) => (i === j ? 2 : 0.1 * Math.sin(i + 2 * j))))
  return createDgp({ space, dims, contentDims, conditional: { kind: 'normal', sigma: 0.1 }, generator: linearGeneratorFromMatrix(w), seed })
}

/** Ignores the requested d_c (always 1). */
export const wrongContentFactory: DgpFactory = (o) => sinhFactory({ ...o, contentDims: 1 })

/** A generator whose inverse is not implemented. */
export const noInverseFactory: DgpFactory = ({ space, dims, contentDims, seed }): Dgp =>
  createDgp({
    space,
    dims,
    contentDims,
    generator: defineGenerator({
      kind: 'one-way',
      dims,
      forwardArray: (z) => z.map((v) => v ** 3 + v),
      inverseArray: () => {
        throw new Error('not invertible in closed form')
      },
    }),
    seed,
  })

export const identityFactory: DgpFactory = ({ space, dims, contentDims, seed }) => createDgp({ space, dims, contentDims, generator: createIdentityGenerator(dims), seed })
