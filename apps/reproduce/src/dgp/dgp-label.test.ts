import { describe, expect, it } from 'vitest'
import { dgpLabel } from './dgp-label.js'

describe('dgpLabel', () => {
  it('names the module file and the start of its hash, an inline factory, or the paper’s DGP', () => {
    expect(dgpLabel({ module: '/home/me/dgps/my-dgp.mjs', sha256: '87d2faff08add9e51ba2cdfa0c6c97230017afaa4078bc7b6411a97552471ce8' })).toBe('DGP my-dgp.mjs (sha256 87d2faff0…)')
    expect(dgpLabel({ module: 'inline:myDgp', sha256: null })).toBe('DGP inline:myDgp')
    expect(dgpLabel(undefined)).toBe("the paper's DGP (§4.1)")
  })
})
