import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../run/runner.js'
import { linearFactory, sinhFactory, userDgp } from '../user-dgp.test-helper.js'
import { fig1Spectrum, grid } from './index.js'

describe('fig1-spectrum preflight', () => {
  const quick = fig1Spectrum.presets.quick
  it("names each space's batch size when it cannot fit", () => {
    const config = resolveConfig(fig1Spectrum, 'quick', { spaces: { sphere: { train: { batchSize: 50_000 } } } })
    expect(() => fig1Spectrum.preflight!(config, {})).toThrow(/^invalid config\.spaces\.sphere\.train\.batchSize: expected at most \d+/)
  })
  it('names a temperature that underflows float32', () => {
    expect(() => fig1Spectrum.preflight!({ ...quick, prop3: { ...quick.prop3, tauContent: 1e-39 } }, {})).toThrow(/^invalid config\.prop3\.tauContent: expected a temperature representable in float32.*received 1e-39$/)
  })
  it('needs a linear g: a user DGP with a nonlinear generator fails in one line before any run directory exists', () => {
    expect(() => fig1Spectrum.preflight!(quick, { userDgp: userDgp(sinhFactory, '/home/me/sinh-dgp.mjs') })).toThrow(
      /^fig1-spectrum needs a linear generator g with a weights matrix; \/home\/me\/sinh-dgp\.mjs provides 'sinh'$/,
    )
    expect(() => fig1Spectrum.preflight!(quick, { userDgp: userDgp(linearFactory) })).not.toThrow()
  })
  it("with a user DGP the Prop. 3 runs use the DGP's own content conditional: coinciding grid points are trained once", () => {
    const paper = grid(quick, 'sphere')
    const user = grid(quick, 'sphere', userDgp(linearFactory))
    expect(paper).toHaveLength(4 + 4)
    // d_c = 2 with τ_c = τ_s is already in the sweep; the δ control equals the τ_c run
    expect(user).toEqual([
      { dc: 0, sigmaC: 0, tauC: 1 },
      { dc: 1, sigmaC: 0, tauC: 1 },
      { dc: 2, sigmaC: 0, tauC: 1 },
      { dc: 4, sigmaC: 0, tauC: 1 },
      { dc: 2, sigmaC: 0, tauC: 0.01 },
      { dc: 2, sigmaC: 0, tauC: 0.01, unnormalized: true },
    ])
  })
  it('names the right field when a d_c of the sweep or of prop3 leaves the range', () => {
    expect(() => resolveConfig(fig1Spectrum, 'quick', { contentDims: [0, 2, 9] })).toThrow(/^invalid config\.contentDims\.2: expected every d_c < dims = 8/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { prop3: { contentDims: 8 } })).toThrow(/^invalid config\.prop3\.contentDims: expected d_c < dims = 8/)
  })
})
