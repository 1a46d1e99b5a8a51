import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { describe, expect, it } from 'vitest'
import type { Availability } from './availability.js'
import { describeBackend } from './describe.js'
import { LabBackendError, selectLabBackend } from './select.js'

const unavailable = (reason: string) => async (): Promise<Availability> => ({ ok: false, reason })
// tfjs-backend-wasm under Node finds its .wasm files itself; the browser path (setWasmPaths) is exercised by the browser tests
const wasm = async (): Promise<Availability> => ({ ok: true, detail: 'test wasm' })

describe('selectLabBackend', () => {
  it('auto falls back from WebGPU and WebGL to wasm and records why each was skipped', async () => {
    const info = await selectLabBackend('auto', ['BatchMatMul'], { webgpu: unavailable('navigator.gpu missing'), webgl: unavailable('no WebGL2 context'), wasm })
    expect(tf.getBackend()).toBe('wasm')
    expect(info).toEqual({
      name: 'wasm',
      detail: 'test wasm',
      forced: false,
      attempts: [
        { backend: 'webgpu', outcome: 'skipped', reason: 'navigator.gpu missing' },
        { backend: 'webgl', outcome: 'skipped', reason: 'no WebGL2 context' },
        { backend: 'wasm', outcome: 'selected', reason: 'test wasm' },
      ],
    })
    expect(describeBackend(info)).toBe('wasm — WebGPU unavailable: navigator.gpu missing; WebGL unavailable: no WebGL2 context')
  })

  it('a forced backend is that one or a typed error with its reason', async () => {
    const register = { webgpu: unavailable('navigator.gpu missing'), webgl: unavailable('x'), wasm }
    await expect(selectLabBackend('webgpu', [], register)).rejects.toThrow(new LabBackendError('webgpu unavailable: navigator.gpu missing'))
    const info = await selectLabBackend('wasm', [], register)
    expect(describeBackend(info)).toBe('wasm (forced by ?backend=wasm) — test wasm')
  })

  it('auto skips a software WebGPU adapter, as cl-reproduce does', async () => {
    const emulated = async (): Promise<Availability> => ({ ok: true, detail: 'software adapter: google / swiftshader', emulated: true })
    const info = await selectLabBackend('auto', [], { webgpu: emulated, webgl: unavailable('b'), wasm })
    expect(info.attempts[0]).toEqual({ backend: 'webgpu', outcome: 'skipped', reason: 'only a software adapter (software adapter: google / swiftshader); auto uses hardware GPUs only, as cl-reproduce does: force it with ?backend=webgpu' })
    expect(info.name).toBe('wasm')
  })

  it('skips a backend lacking a kernel the experiment needs, and one its check refuses', async () => {
    const refused = async (): Promise<Availability> => ({ ok: true, detail: 'x', check: () => 'renders no float32 textures' })
    await expect(selectLabBackend('auto', ['NoSuchKernel'], { webgpu: unavailable('a'), webgl: unavailable('b'), wasm })).rejects.toThrow(
      /^no usable backend \(webgpu: a; webgl: b; wasm: lacks kernels this experiment needs: NoSuchKernel\)$/,
    )
    await expect(selectLabBackend('wasm', [], { webgpu: unavailable('a'), webgl: unavailable('b'), wasm: refused })).rejects.toThrow('wasm unavailable: renders no float32 textures')
  })
})
