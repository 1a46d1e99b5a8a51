import { describe, it, expect } from 'vitest'
import * as tf from '@tensorflow/tfjs'

import { isClError } from '@cl/core'

import { activeWebGpuLimits, assertFitsDevice, webGpuGuards, withGpuErrorScope } from './webgpu-guards.js'
import { probeWebGpu } from './webgpu-probe.js'
import { registerWebGpuBackend } from './webgpu-register.js'

// Probe once at collection time so that `it.skipIf` can use the result.
const probeStart = performance.now()
// WEBGPU_ROUTE=vulkan|opengles|default forces one route (default: auto).
const requestedRoute = process.env['WEBGPU_ROUTE']
const probe = await probeWebGpu(
  requestedRoute === 'vulkan' || requestedRoute === 'opengles' || requestedRoute === 'default'
    ? { route: requestedRoute }
    : {},
)
const probeMs = performance.now() - probeStart
const noAdapter = !probe.ok
if (probe.ok) {
  console.info(`[webgpu] adapter in ${probeMs.toFixed(0)} ms:`, JSON.stringify(probe.adapter))
} else {
  console.warn(`[webgpu] skipping WebGPU tests: ${probe.reason}`)
}

/** Deterministic pseudo-random data (same on every backend). */
function lcgData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2 ** 32 - 0.5
  }
  return out
}

async function useWebGpu(): Promise<void> {
  if (!probe.ok) throw new Error('unreachable: no adapter')
  await registerWebGpuBackend(probe.adapter.route)
  const ok = await tf.setBackend('webgpu')
  if (!ok) throw new Error('tf.setBackend("webgpu") resolved false')
  await tf.ready()
}

describe('webgpu backend', () => {
  // CI sets CL_REQUIRE_WEBGPU=1: the base image has Mesa's OpenGL ES, so a software adapter must be found there.
  it.runIf(process.env['CL_REQUIRE_WEBGPU'] === '1')('an adapter is found where one is required', () => {
    expect(probe.ok ? 'adapter found' : probe.reason).toBe('adapter found')
  })

  it.skipIf(noAdapter)('probe finds an adapter (software on this CI machine)', () => {
    if (!probe.ok) return
    const a = probe.adapter
    expect(['vulkan', 'opengles', 'default']).toContain(a.route)
    expect(a.maxStorageBufferBindingSize).toBeGreaterThan(0)
    expect(a.maxBufferSize).toBeGreaterThan(0)
    if (process.env['WEBGPU_EXPECT_HARDWARE'] !== '1') {
      // Machines without a GPU reach WebGPU only through SwiftShader or llvmpipe.
      expect(a.software).toBe(true)
    }
  })

  it.skipIf(noAdapter)('matMul + logSumExp on webgpu match the cpu backend', async () => {
    const t0 = performance.now()
    await useWebGpu()
    const initMs = performance.now() - t0
    expect(tf.getBackend()).toBe('webgpu')
    // Small tensors would otherwise be computed on the CPU by the webgpu backend.
    tf.env().set('WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD', 0)

    const [m, k, n] = [64, 48, 40]
    const aData = lcgData(m * k, 1)
    const bData = lcgData(k * n, 2)
    const compute = async (): Promise<{ prod: Float32Array; lse: Float32Array }> => {
      const a = tf.tensor2d(aData, [m, k])
      const b = tf.tensor2d(bData, [k, n])
      const prod = tf.matMul(a, b)
      const lse = tf.logSumExp(prod, 1)
      const out = { prod: (await prod.data()) as Float32Array, lse: (await lse.data()) as Float32Array }
      tf.dispose([a, b, prod, lse])
      return out
    }

    const t1 = performance.now()
    const gpu = await withGpuErrorScope(compute)
    const gpuMs = performance.now() - t1
    await tf.setBackend('cpu')
    const cpu = await compute()
    await tf.setBackend('webgpu')
    console.info(`[webgpu] backend init ${initMs.toFixed(0)} ms, small matMul+logSumExp ${gpuMs.toFixed(0)} ms`)

    expect(gpu.prod.length).toBe(m * n)
    expect(gpu.lse.length).toBe(m)
    let maxDiff = 0
    for (let i = 0; i < cpu.prod.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((gpu.prod[i] ?? NaN) - (cpu.prod[i] ?? NaN)))
    for (let i = 0; i < cpu.lse.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs((gpu.lse[i] ?? NaN) - (cpu.lse[i] ?? NaN)))
    expect(maxDiff).toBeLessThan(1e-4)
  })

  it.skipIf(noAdapter)('assertFitsDevice rejects an over-limit tensor with WebGpuLimitError', async () => {
    await useWebGpu()
    const limits = activeWebGpuLimits()
    expect(limits).toBeDefined()
    if (limits === undefined) return

    expect(() => assertFitsDevice(1024 * 1024 * 4, limits, 'a 1024x1024 float32 tensor')).not.toThrow()

    // Smallest square float32 matrix whose buffer exceeds the binding limit.
    const side = Math.ceil(Math.sqrt(limits.maxStorageBufferBindingSize / 4)) + 1
    const bytes = side * side * 4
    let thrown: unknown
    try {
      assertFitsDevice(bytes, limits, `a ${side}x${side} float32 tensor`)
      tf.dispose(tf.zeros([side, side])) // must not be reached
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(Error)
    expect((thrown as Error).name).toBe('WebGpuLimitError')
    expect((thrown as Error).message).toContain(String(bytes))
    expect((thrown as Error).message).toMatch(/maxStorageBufferBindingSize is \d+ bytes/)
  })

  it.skipIf(noAdapter)('withGpuErrorScope turns an invalid GPU call into WebGpuValidationError', async () => {
    await useWebGpu()
    // A valid computation passes through.
    await expect(withGpuErrorScope(async () => (await tf.sum(tf.ones([8, 8])).data())[0])).resolves.toBe(64)

    const device = (
      tf.backend() as unknown as { device: { createBuffer(d: { size: number; usage: number }): unknown } }
    ).device
    const usage = globalThis as unknown as { GPUBufferUsage: { MAP_READ: number; STORAGE: number } }
    const run = withGpuErrorScope(async () => {
      // MAP_READ may only be combined with COPY_DST: a validation error, and no exception from Dawn.
      device.createBuffer({ size: 16, usage: usage.GPUBufferUsage.MAP_READ | usage.GPUBufferUsage.STORAGE })
      return (await tf.sum(tf.ones([8, 8])).data())[0]
    })
    await expect(run).rejects.toMatchObject({ name: 'WebGpuValidationError', code: 'CL_WEBGPU_VALIDATION', message: /MapRead/ })
  })

  it.skipIf(noAdapter)('a tensor beyond maxStorageBufferBindingSize errors instead of returning 0', async () => {
    await useWebGpu()
    const limits = activeWebGpuLimits()
    if (limits === undefined) throw new Error('no limits')
    // tf.fill runs the Fill kernel on the GPU (tf.ones would build a >1 GiB array on the CPU
    // first and take seconds); the invalid GPU buffer is never backed by memory.
    // GLES: binding-size error; SwiftShader (maxBufferSize == binding limit): buffer-size error.
    const elements = limits.maxStorageBufferBindingSize / 4 + 1024
    const t0 = performance.now()
    const run = withGpuErrorScope(async () => {
      const big = tf.fill([elements], 1)
      const total = tf.sum(big)
      const value = (await total.data())[0]
      tf.dispose([big, total])
      return value
    })
    await expect(run).rejects.toMatchObject({ name: 'WebGpuValidationError' })
    console.info(
      `[webgpu] over-limit tensor (${elements * 4} bytes) rejected in ${(performance.now() - t0).toFixed(0)} ms`,
    )
    // The backend is still usable afterwards.
    await expect(withGpuErrorScope(async () => (await tf.sum(tf.ones([4, 4])).data())[0])).resolves.toBe(16)
  })

  it.skipIf(noAdapter)('the selection guards stop an over-limit tensor before the GPU sees it (the runner path)', async () => {
    await useWebGpu()
    const limits = activeWebGpuLimits()
    if (limits === undefined) throw new Error('no limits')
    const guards = webGpuGuards()
    const device = (tf.backend() as unknown as { device: object }).device
    expect(() => guards.checkFits(limits.maxStorageBufferBindingSize + 4, 'the logits')).toThrow(/the logits needs \d+ bytes/)
    expect(() => guards.checkFits(1024, 'a small tensor')).not.toThrow()
    // A size no earlier test allocated: tfjs reuses released buffers of equal size from its pool without createBuffer.
    const elements = limits.maxStorageBufferBindingSize / 4 + 3072
    const run = guards.runGuarded(async () => {
      const big = tf.fill([elements], 1)
      const total = tf.sum(big)
      const value = (await total.data())[0]
      tf.dispose([big, total])
      return value
    })
    const error = await run.catch((e: unknown) => e)
    expect(isClError(error, 'CL_WEBGPU_LIMIT'), String(error)).toBe(true)
    expect((error as Error).message).toMatch(new RegExp(`a tensor buffer needs ${elements * 4} bytes .* maxStorageBufferBindingSize is ${limits.maxStorageBufferBindingSize} bytes`))
    // Dawn's createBuffer is back (no own property left behind) and a valid computation passes through the guards.
    expect(Object.getOwnPropertyDescriptor(device, 'createBuffer')).toBeUndefined()
    await expect(guards.runGuarded(async () => (await tf.sum(tf.ones([4, 4])).data())[0])).resolves.toBe(16)
  })
})
