import { afterEach, describe, expect, it } from 'vitest'

import { applyEnv, envChanges, routeConfig, workerEnvNeeds, workerEnvProblem } from './webgpu-routes.js'

const KEYS = ['VK_ICD_FILENAMES', 'EGL_PLATFORM', 'CL_TEST_ROUTE_VAR'] as const
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]))
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
})

describe('WebGPU routes', () => {
  it('opengles asks Dawn for its GLES backend and a compatibility adapter, surfaceless EGL unless the user chose one', () => {
    delete process.env['EGL_PLATFORM']
    expect(routeConfig('opengles')).toEqual({
      env: { EGL_PLATFORM: 'surfaceless' },
      optionalEnv: {},
      dawnOptions: ['backend=opengles'],
      adapterOptions: { powerPreference: 'high-performance', featureLevel: 'compatibility' },
    })
    process.env['EGL_PLATFORM'] = 'device'
    expect(routeConfig('opengles')).toMatchObject({ env: { EGL_PLATFORM: 'device' } })
  })

  it('vulkan respects an ICD the user chose; default inherits the environment', () => {
    process.env['VK_ICD_FILENAMES'] = '/opt/my_icd.json'
    expect(routeConfig('vulkan')).toMatchObject({ env: { VK_ICD_FILENAMES: '/opt/my_icd.json' }, dawnOptions: ['backend=vulkan'] })
    expect(routeConfig('default')).toMatchObject({ env: {}, dawnOptions: [] })
  })

  it('applyEnv sets variables and its restore puts back the previous values, deleting ones that were unset', () => {
    process.env['EGL_PLATFORM'] = 'before'
    delete process.env['CL_TEST_ROUTE_VAR']
    const restore = applyEnv({ EGL_PLATFORM: 'surfaceless', CL_TEST_ROUTE_VAR: 'x' })
    expect([process.env['EGL_PLATFORM'], process.env['CL_TEST_ROUTE_VAR']]).toEqual(['surfaceless', 'x'])
    restore()
    expect(process.env['EGL_PLATFORM']).toBe('before')
    expect('CL_TEST_ROUTE_VAR' in process.env).toBe(false)
  })

  it('envChanges lists only the variables that differ; on the main thread no worker problem is reported', () => {
    process.env['EGL_PLATFORM'] = 'surfaceless'
    delete process.env['CL_TEST_ROUTE_VAR']
    expect(envChanges({ EGL_PLATFORM: 'surfaceless', CL_TEST_ROUTE_VAR: '1' })).toEqual(['CL_TEST_ROUTE_VAR=1'])
    // vitest runs this file in a forked process (pool 'forks'): the main thread of that process.
    expect(workerEnvProblem('opengles', { CL_TEST_ROUTE_VAR: '1' })).toBeUndefined()
    expect(workerEnvNeeds(['opengles', 'vulkan'])).toEqual([])
  })
})
