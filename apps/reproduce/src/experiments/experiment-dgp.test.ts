import { describe, expect, it } from 'vitest'
import { checkedFactory } from '../dgp/load-user-dgp.js'
import { buildUserDgp, describeDgp, dgpReportLine, requireInverse, requireLinear } from './experiment-dgp.js'
import { identityFactory, linearFactory, noInverseFactory, sinhFactory, userDgp, wrongContentFactory } from './user-dgp.test-helper.js'

const asked = { space: 'box', dims: 5, contentDims: 2, seed: 3 } as const

describe('user DGP checks', () => {
  it('returns the DGP the factory built when its metadata matches', () => {
    const dgp = buildUserDgp(userDgp(sinhFactory), 'fig1-r2-box', asked)
    expect(dgp.metadata).toMatchObject({ dims: 5, contentDims: 2, generator: 'sinh', seed: 3 })
  })

  it('names the module and the mismatch when metadata disagrees, when the factory throws, or returns no Dgp', () => {
    expect(() => buildUserDgp(userDgp(wrongContentFactory), 'fig1-r2-box', asked)).toThrow(
      /^fig1-r2-box: \/tmp\/my-dgp\.mjs returned a DGP with metadata\.contentDims = 1 for contentDims 2 \(space 'box', dims 5, contentDims 2, seed 3\)/,
    )
    expect(() => buildUserDgp(userDgp(wrongContentFactory), 'fig1-r2-box', asked)).toThrow(expect.objectContaining({ code: 'CL_INVALID_CONFIG', name: 'DgpRequirementError', field: '--dgp', module: '/tmp/my-dgp.mjs' }))
    const throwing = userDgp(() => {
      throw new Error('sphere not supported')
    })
    expect(() => buildUserDgp(throwing, 'table1', { ...asked, space: 'sphere' })).toThrow(/^table1: the DGP factory of \/tmp\/my-dgp\.mjs threw for space 'sphere'.*: sphere not supported$/)
    expect(() => buildUserDgp(userDgp(() => ({}) as never), 'table1', asked)).toThrow(/returned no @cl\/dgp Dgp/)
  })

  it('a loaded module\'s (checked) factory error names the module and the options once, prefixed by the experiment', () => {
    const checked = { factory: checkedFactory(() => { throw new Error('sphere not supported') }, '/tmp/my-dgp.mjs'), module: '/tmp/my-dgp.mjs', sha256: null }
    const message = (() => {
      try {
        buildUserDgp(checked, 'table1', { ...asked, space: 'sphere' })
      } catch (error) {
        return (error as Error).message
      }
      return ''
    })()
    expect(message).toBe("table1: --dgp /tmp/my-dgp.mjs: the factory threw for { space: 'sphere', dims: 5, contentDims: 2, seed: 3 }: sphere not supported")
    expect(message.split('/tmp/my-dgp.mjs').length - 1).toBe(1)
  })

  it('table1 needs g⁻¹: an inverse that throws is named in one line', () => {
    expect(() => requireInverse(buildUserDgp(userDgp(sinhFactory), 'table1', asked), '/tmp/my-dgp.mjs', 'table1')).not.toThrow()
    const oneWay = buildUserDgp(userDgp(noInverseFactory), 'table1', asked)
    expect(() => requireInverse(oneWay, '/tmp/my-dgp.mjs', 'table1')).toThrow(
      /^table1 needs the generator's inverse g⁻¹ \(the f = g⁻¹ row\); \/tmp\/my-dgp\.mjs's generator 'one-way' inverse threw: not invertible in closed form$/,
    )
  })

  it("fig1-spectrum needs a linear g with a weights matrix: a non-linear one fails naming the module and the generator's kind", () => {
    const w = requireLinear(buildUserDgp(userDgp(linearFactory), 'fig1-spectrum', asked), '/tmp/my-dgp.mjs', 'fig1-spectrum')
    expect(w).toHaveLength(5)
    expect(() => requireLinear(buildUserDgp(userDgp(sinhFactory), 'fig1-spectrum', asked), '/tmp/my-dgp.mjs', 'fig1-spectrum')).toThrow(
      "fig1-spectrum needs a linear generator g with a weights matrix; /tmp/my-dgp.mjs provides 'sinh'",
    )
    expect(() => requireLinear(buildUserDgp(userDgp(identityFactory), 'fig1-spectrum', asked), '/tmp/my-dgp.mjs', 'fig1-spectrum')).toThrow(/provides 'identity'$/)
  })

  it('describes the DGP for metrics and the report', () => {
    expect(describeDgp(userDgp(sinhFactory), 'paper')).toEqual({ module: '/tmp/my-dgp.mjs', sha256: 'ab'.repeat(32) })
    expect(describeDgp(undefined, 'paper §4.1')).toEqual({ paper: 'paper §4.1' })
    expect(dgpReportLine({ module: '/x.mjs', sha256: null })).toBe('DGP: user module `/x.mjs`.')
    expect(dgpReportLine({ paper: 'paper §4.1 linear DGP' })).toBe('DGP: paper §4.1 linear DGP.')
  })
})
