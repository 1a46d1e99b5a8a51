import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { isClError } from '@cl/core'

import { NO_GUARDS, guardsOf } from './guards.js'
import {
  assertFitsDevice,
  webGpuGuards,
  withBufferLimitCheck,
  withGpuErrorScope,
  type GpuDeviceLike,
  type TfWebGpuBackendLike,
} from './webgpu-guards.js'

const STORAGE = 0x0080
const MAP_READ = 0x0001
const COPY_DST = 0x0008

/** A stand-in GPUDevice: error scopes as a stack, limits, and a createBuffer that records sizes. */
class FakeDevice implements GpuDeviceLike {
  readonly limits = { maxStorageBufferBindingSize: 1024, maxBufferSize: 4096 }
  readonly scopes: { filter: string; error: { message: string } | null }[] = []
  readonly created: number[] = []
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void {
    this.scopes.push({ filter, error: null })
  }
  async popErrorScope(): Promise<{ message: string } | null> {
    const scope = this.scopes.pop()
    if (scope === undefined) throw new Error('popErrorScope without a scope')
    return scope.error
  }
  /** What Dawn does on a validation error: the innermost scope with that filter captures it. */
  raise(filter: 'validation' | 'out-of-memory', message: string): void {
    const scope = [...this.scopes].reverse().find((s) => s.filter === filter)
    if (scope !== undefined && scope.error === null) scope.error = { message }
  }
}
// Like Dawn: createBuffer lives on the prototype, not on the instance.
Object.defineProperty(FakeDevice.prototype, 'createBuffer', {
  value(this: FakeDevice, d: { size: number; usage: number }) {
    this.created.push(d.size)
    return { size: d.size }
  },
  writable: false,
  configurable: false,
})

const createBuffer = (device: FakeDevice, size: number, usage: number): unknown =>
  (device as unknown as { createBuffer(d: { size: number; usage: number }): unknown }).createBuffer({ size, usage })

describe('assertFitsDevice', () => {
  const limits = { maxStorageBufferBindingSize: 1024, maxBufferSize: 4096 }
  it('accepts sizes up to the binding limit and names the limit, both sizes and the field when over it', () => {
    expect(() => assertFitsDevice(1024, limits, 'x')).not.toThrow()
    const error = (() => {
      try {
        assertFitsDevice(1028, limits, 'the B×B logits')
      } catch (e) {
        return e
      }
    })()
    expect(isClError(error, 'CL_WEBGPU_LIMIT')).toBe(true)
    expect(error).toMatchObject({ name: 'WebGpuLimitError', what: 'the B×B logits', bytes: 1028, limit: 'maxStorageBufferBindingSize', limitBytes: 1024 })
    expect((error as Error).message).toBe(
      "the B×B logits needs 1028 bytes (1.0 KiB) but the WebGPU device's maxStorageBufferBindingSize is 1024 bytes (1.0 KiB): " +
        'lower the batch size or use another backend (--backend wasm)',
    )
  })
  it('a buffer that is not bound as storage is held to maxBufferSize only', () => {
    expect(() => assertFitsDevice(2048, limits, 'staging', false)).not.toThrow()
    expect(() => assertFitsDevice(4097, limits, 'staging', false)).toThrow(/maxBufferSize is 4096 bytes/)
  })
  it('rejects sizes that are not a byte count', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => assertFitsDevice(bad, limits, 'x')).toThrow(/x: invalid size/)
    }
  })
})

describe('withGpuErrorScope on a fake device', () => {
  it('passes a clean computation through and pops both scopes', async () => {
    const device = new FakeDevice()
    await expect(withGpuErrorScope(async () => 7, { device })).resolves.toBe(7)
    expect(device.scopes).toEqual([])
  })
  it('turns captured GPU errors into a WebGpuValidationError, keeping the computation error as cause', async () => {
    const device = new FakeDevice()
    const run = withGpuErrorScope(async () => {
      device.raise('validation', 'binding size 2048 > 1024')
      device.raise('out-of-memory', 'no memory')
      throw new Error('tfjs failed')
    }, { device })
    const error = (await run.catch((e: unknown) => e)) as Error & { gpuErrors: string[] }
    expect(isClError(error, 'CL_WEBGPU_VALIDATION')).toBe(true)
    expect(error.gpuErrors).toEqual(['validation: binding size 2048 > 1024', 'out-of-memory: no memory'])
    expect((error.cause as Error).message).toBe('tfjs failed')
    expect(device.scopes).toEqual([])
  })
  it('flushes tfjs deferred work before popping, so submit-time errors are captured', async () => {
    const device = new FakeDevice()
    const calls: string[] = []
    const backend: TfWebGpuBackendLike = {
      device,
      commandEncoder: {},
      endComputePassEncoder: () => calls.push('end'),
      submitQueue: () => {
        calls.push('submit')
        device.raise('validation', 'at submit')
      },
    }
    await expect(withGpuErrorScope(async () => 1, backend)).rejects.toMatchObject({ gpuErrors: ['validation: at submit'] })
    expect(calls).toEqual(['end', 'submit'])
  })
  it('rethrows the computation error unchanged when the GPU reported nothing', async () => {
    const device = new FakeDevice()
    const original = new Error('plain failure')
    await expect(withGpuErrorScope(async () => Promise.reject(original), { device })).rejects.toBe(original)
  })
})

describe('withBufferLimitCheck on a fake device', () => {
  it('checks every buffer before the device creates it, then puts the prototype method back', async () => {
    const device = new FakeDevice()
    const run = withBufferLimitCheck(device, async () => {
      createBuffer(device, 512, STORAGE)
      createBuffer(device, 2048, MAP_READ | COPY_DST) // a staging buffer: only maxBufferSize applies
      createBuffer(device, 2048, STORAGE)
      return 'unreachable'
    })
    await expect(run).rejects.toMatchObject({ code: 'CL_WEBGPU_LIMIT', what: 'a tensor buffer', bytes: 2048 })
    expect(device.created).toEqual([512, 2048]) // the over-limit buffer never reached the device
    expect(Object.getOwnPropertyDescriptor(device, 'createBuffer')).toBeUndefined()
    createBuffer(device, 4096, STORAGE) // unchecked again afterwards
    expect(device.created).toEqual([512, 2048, 4096])
  })
  it('restores on success too, and nested checks restore the outer one', async () => {
    const device = new FakeDevice()
    await withBufferLimitCheck(device, async () => {
      const outer = Object.getOwnPropertyDescriptor(device, 'createBuffer')?.value
      await withBufferLimitCheck(device, async () => createBuffer(device, 8, STORAGE))
      expect(Object.getOwnPropertyDescriptor(device, 'createBuffer')?.value).toBe(outer)
    })
    expect(Object.getOwnPropertyDescriptor(device, 'createBuffer')).toBeUndefined()
    expect(device.created).toEqual([8])
  })
})

describe('webGpuGuards', () => {
  it('with a webgpu device: checkFits uses its limits, runGuarded combines the buffer check and the error scopes', async () => {
    const device = new FakeDevice()
    const guards = webGpuGuards(() => ({ device }))
    expect(() => guards.checkFits(1024, 'x')).not.toThrow()
    expect(() => guards.checkFits(1025, 'the embeddings')).toThrow(/the embeddings needs 1025 bytes/)
    await expect(guards.runGuarded(async () => createBuffer(device, 4000, STORAGE))).rejects.toMatchObject({ code: 'CL_WEBGPU_LIMIT' })
    await expect(
      guards.runGuarded(async () => {
        device.raise('validation', 'bad bind group')
        return 0
      }),
    ).rejects.toMatchObject({ code: 'CL_WEBGPU_VALIDATION' })
    expect(device.scopes).toEqual([])
  })
  it('without a webgpu backend (the default reads tfjs: cpu here) both are no-ops', async () => {
    await tf.setBackend('cpu')
    const guards = webGpuGuards()
    expect(() => guards.checkFits(2 ** 40, 'huge')).not.toThrow()
    await expect(guards.runGuarded(async () => 3)).resolves.toBe(3)
  })
  it('guardsOf supplies no-ops for a selection without guards', async () => {
    expect(guardsOf({})).toBe(NO_GUARDS)
    const own = webGpuGuards(() => undefined)
    expect(guardsOf({ guards: own })).toBe(own)
    expect(() => NO_GUARDS.checkFits(Number.NaN, 'x')).not.toThrow()
    await expect(NO_GUARDS.runGuarded(async () => 'ran')).resolves.toBe('ran')
  })
})
