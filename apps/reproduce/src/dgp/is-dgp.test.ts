import { createDgp } from '@cl/dgp'
import { describe, expect, it } from 'vitest'
import { missingDgpMembers } from './is-dgp.js'

describe('missingDgpMembers', () => {
  it('accepts a real @cl/dgp Dgp and a plain-object copy of one', () => {
    const dgp = createDgp({ dims: 3, contentDims: 1, seed: 1, generator: { kind: 'identity' } })
    expect(missingDgpMembers(dgp)).toEqual([])
    expect(missingDgpMembers({ ...dgp })).toEqual([])
  })

  it('names every missing member', () => {
    const dgp = createDgp({ dims: 3, contentDims: 1, seed: 1, generator: { kind: 'identity' } })
    const { reseed: _reseed, ...noReseed } = dgp
    expect(missingDgpMembers(noReseed)).toEqual(['reseed'])
    expect(missingDgpMembers({ ...dgp, generator: { kind: 'g', dims: 3, forward() {}, forwardArray() {} } })).toEqual(['generator.inverse', 'generator.inverseArray'])
    expect(missingDgpMembers({ ...dgp, metadata: { ...dgp.metadata, dims: '3' } })).toEqual(['metadata.dims'])
    expect(missingDgpMembers({ sample() {} })).toEqual([
      'metadata',
      'sampleMarginal',
      'sampleConditional',
      'samplePairs',
      'generate',
      'sampleArrays',
      'sampleNegatives',
      'reseed',
      'generator',
      'space',
      'conditional',
    ])
    expect(missingDgpMembers(null)).toEqual(['(an object)'])
    expect(missingDgpMembers(42)).toEqual(['(an object)'])
  })
})
