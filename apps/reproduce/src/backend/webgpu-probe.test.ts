import { describe, expect, it } from 'vitest'

import { describeAdapter } from './webgpu-probe.js'

const limits = { maxStorageBufferBindingSize: 134_217_728, maxBufferSize: 2_147_483_648 }

describe('describeAdapter', () => {
  it('marks llvmpipe, SwiftShader and fallback adapters as software and keeps the limits', () => {
    const gles = describeAdapter({ info: { device: 'llvmpipe-llvm-15', description: 'OpenGL ES 3.2 Mesa 22.3.6' }, limits }, 'opengles')
    expect(gles).toEqual({
      vendor: '',
      architecture: '',
      device: 'llvmpipe-llvm-15',
      description: 'OpenGL ES 3.2 Mesa 22.3.6',
      software: true,
      route: 'opengles',
      ...limits,
    })
    expect(describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader' }, limits }, 'vulkan').software).toBe(true)
    expect(describeAdapter({ info: { vendor: 'x', isFallbackAdapter: true }, limits }, 'default').software).toBe(true)
    expect(describeAdapter({ isFallbackAdapter: true, limits }, 'default').software).toBe(true)
  })

  it('a named hardware adapter is not software; missing info fields become empty strings', () => {
    const gpu = describeAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', device: 'H200' }, limits }, 'default')
    expect(gpu.software).toBe(false)
    expect(gpu.description).toBe('')
    expect(describeAdapter({ limits }, 'default')).toMatchObject({ vendor: '', device: '', software: false })
  })
})
