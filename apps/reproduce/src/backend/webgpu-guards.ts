/**
 * Guards for the tfjs WebGPU backend. Failures must surface as errors, never as numbers: a tensor beyond the device's
 * storage-binding limit only prints a Dawn warning and tfjs reads back zeros (measured on SwiftShader and Mesa
 * llvmpipe; docs/tfjs-backends.md). So sizes are checked against the limits before a buffer exists
 * ({@link assertFitsDevice}), and computations run inside WebGPU error scopes ({@link withGpuErrorScope}).
 */
import * as tf from '@tensorflow/tfjs'

import { WebGpuLimitError, WebGpuValidationError, type WebGpuLimitName } from '../errors.js'
import type { BackendGuards } from './guards.js'

/** The two device limits that decide whether a tensor fits. */
export interface WebGpuLimits {
  readonly maxStorageBufferBindingSize: number
  readonly maxBufferSize: number
}

/** The parts of a GPUDevice the guards use. */
export interface GpuDeviceLike {
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void
  popErrorScope(): Promise<{ message: string } | null>
  readonly limits?: WebGpuLimits
  createBuffer?(descriptor: { size: number; usage: number; [key: string]: unknown }): unknown
}

/** The parts of tfjs's WebGPU backend the guards use. */
export interface TfWebGpuBackendLike {
  device?: GpuDeviceLike
  commandEncoder?: unknown
  endComputePassEncoder?: () => void
  submitQueue?: () => void
}

/** GPUBufferUsage.STORAGE (WebGPU spec): buffers tfjs binds as storage, i.e. every tensor. */
const GPU_BUFFER_USAGE_STORAGE = 0x0080

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`
  return `${bytes} B`
}

/**
 * Throw a {@link WebGpuLimitError} if a buffer of `bytes` cannot be allocated (maxBufferSize) or, when it is bound as
 * a storage buffer (`storage`, default: tfjs binds every tensor that way), cannot be bound (maxStorageBufferBindingSize).
 */
export function assertFitsDevice(bytes: number, limits: WebGpuLimits, what: string, storage = true): void {
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new WebGpuLimitError(what, bytes, 'size', 0, `${what}: invalid size ${String(bytes)} bytes`)
  }
  const checks: Array<[WebGpuLimitName, number]> = [
    ...(storage ? [['maxStorageBufferBindingSize', limits.maxStorageBufferBindingSize] as [WebGpuLimitName, number]] : []),
    ['maxBufferSize', limits.maxBufferSize],
  ]
  for (const [name, limit] of checks) {
    if (bytes > limit) {
      throw new WebGpuLimitError(
        what,
        bytes,
        name,
        limit,
        `${what} needs ${bytes} bytes (${formatBytes(bytes)}) but the WebGPU device's ${name} is ` +
          `${limit} bytes (${formatBytes(limit)}): lower the batch size or use another backend (--backend wasm)`,
      )
    }
  }
}

/** tfjs's active backend, if it is 'webgpu' and has a device. */
function activeWebGpuBackend(): TfWebGpuBackendLike | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined
  const backend = tf.backend() as unknown as TfWebGpuBackendLike
  return backend.device === undefined ? undefined : backend
}

/** Limits of the active tfjs WebGPU device, or undefined if the backend is not webgpu. */
export function activeWebGpuLimits(): WebGpuLimits | undefined {
  const limits = activeWebGpuBackend()?.device?.limits
  if (limits === undefined) return undefined
  return { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize }
}

/**
 * Run `fn` (which should read its results back, e.g. `await t.data()`) inside WebGPU validation + out-of-memory error
 * scopes of `backend`'s device (default: the active tfjs webgpu backend); throw a {@link WebGpuValidationError}
 * carrying the GPU messages if any GPU error was captured. Without a webgpu backend, just runs `fn`.
 * Error scopes are per device, not per async task: do not run other GPU work concurrently, or its errors are
 * attributed to this scope.
 */
export async function withGpuErrorScope<T>(
  fn: () => Promise<T>,
  backend: TfWebGpuBackendLike | undefined = activeWebGpuBackend(),
): Promise<T> {
  const device = backend?.device
  if (backend === undefined || device === undefined) return fn()

  device.pushErrorScope('validation')
  device.pushErrorScope('out-of-memory')
  let result: { ok: true; value: T } | { ok: false; error: unknown }
  try {
    result = { ok: true, value: await fn() }
  } catch (error) {
    result = { ok: false, error }
  }
  try {
    // tfjs defers submits; flush so submit-time validation lands in our scopes.
    if (backend.commandEncoder != null && typeof backend.submitQueue === 'function') {
      backend.endComputePassEncoder?.()
      backend.submitQueue()
    }
  } catch {
    // A failed flush is itself reported through the scopes below.
  }
  const outOfMemory = await device.popErrorScope()
  const validation = await device.popErrorScope()
  const captured = [
    ...(validation ? [`validation: ${validation.message}`] : []),
    ...(outOfMemory ? [`out-of-memory: ${outOfMemory.message}`] : []),
  ]
  if (captured.length > 0) throw new WebGpuValidationError(captured, result.ok ? {} : { cause: result.error })
  if (!result.ok) throw result.error
  return result.value
}

/**
 * Run `fn` with every buffer `device` creates checked by {@link assertFitsDevice} first, so an over-limit tensor fails
 * with its size and the limit before the GPU sees it. `device.createBuffer` is restored afterwards.
 */
export async function withBufferLimitCheck<T>(device: GpuDeviceLike, fn: () => Promise<T>): Promise<T> {
  const limits = device.limits
  const original = device.createBuffer
  if (limits === undefined || typeof original !== 'function') return fn()
  const checked: NonNullable<GpuDeviceLike['createBuffer']> = function (this: unknown, descriptor) {
    const storage = (descriptor.usage & GPU_BUFFER_USAGE_STORAGE) !== 0
    assertFitsDevice(descriptor.size, limits, storage ? 'a tensor buffer' : 'a staging buffer', storage)
    return original.call(device, descriptor)
  }
  // Dawn's methods live on the prototype and may be read-only: shadow with an own property, then put back what was there.
  const own = Object.getOwnPropertyDescriptor(device, 'createBuffer')
  Object.defineProperty(device, 'createBuffer', { value: checked, configurable: true, writable: true })
  try {
    return await fn()
  } finally {
    if (own !== undefined) Object.defineProperty(device, 'createBuffer', own)
    else delete (device as { createBuffer?: unknown }).createBuffer
  }
}

/**
 * The {@link BackendGuards} of the WebGPU backend. Both act on the device of `backend()` at call time (default: the
 * active tfjs backend) and do nothing when it is not webgpu, so switching backends later never leaves a stale guard.
 */
export function webGpuGuards(backend: () => TfWebGpuBackendLike | undefined = activeWebGpuBackend): BackendGuards {
  return {
    checkFits(bytes, what) {
      const limits = backend()?.device?.limits
      if (limits !== undefined) assertFitsDevice(bytes, limits, what)
    },
    runGuarded(fn) {
      const active = backend()
      const device = active?.device
      if (active === undefined || device === undefined) return fn()
      return withGpuErrorScope(() => withBufferLimitCheck(device, fn), active)
    },
  }
}
