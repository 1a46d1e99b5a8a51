import { ClError } from '@cl/core'

/**
 * Errors only `cl-reproduce` throws (backend selection and the WebGPU guards). They extend `@cl/core`'s
 * {@link ClError} with their own `CL_*` codes, so `isClError(e, code)` matches them like any toolkit error.
 */

/** A TensorFlow.js backend cannot be used here; `reason` says why in one line. */
export class BackendUnavailableError extends ClError {
  readonly backend: string
  readonly reason: string
  constructor(backend: string, reason: string, options?: { cause?: unknown }) {
    super('CL_BACKEND_UNAVAILABLE', `backend '${backend}' is unavailable: ${reason}`, options)
    this.name = 'BackendUnavailableError'
    this.backend = backend
    this.reason = reason
  }
}

/** A backend lacks kernels a computation needs (e.g. wasm has no Conv2DBackpropFilter). */
export class MissingKernelsError extends ClError {
  readonly backend: string
  readonly kernels: readonly string[]
  constructor(backend: string, kernels: readonly string[]) {
    super('CL_MISSING_KERNELS', `backend '${backend}' lacks kernels: ${kernels.join(', ')}`)
    this.name = 'MissingKernelsError'
    this.backend = backend
    this.kernels = kernels
  }
}

/** The WebGPU device limit a buffer exceeds (every tfjs tensor is bound as a storage buffer). */
export type WebGpuLimitName = 'maxStorageBufferBindingSize' | 'maxBufferSize'

/**
 * A buffer cannot live on the WebGPU device: it exceeds `limit` (`limitBytes`). Thrown before the GPU sees it; without
 * the check the binding fails with only a Dawn warning and tfjs reads back zeros.
 */
export class WebGpuLimitError extends ClError {
  readonly what: string
  readonly bytes: number
  readonly limit: WebGpuLimitName | 'size'
  readonly limitBytes: number
  constructor(what: string, bytes: number, limit: WebGpuLimitName | 'size', limitBytes: number, message: string) {
    super('CL_WEBGPU_LIMIT', message)
    this.name = 'WebGpuLimitError'
    this.what = what
    this.bytes = bytes
    this.limit = limit
    this.limitBytes = limitBytes
  }
}

/** The WebGPU device reported validation or out-of-memory errors during a computation (its results are not trusted). */
export class WebGpuValidationError extends ClError {
  /** One entry per captured GPU error, `validation: …` or `out-of-memory: …`. */
  readonly gpuErrors: readonly string[]
  constructor(gpuErrors: readonly string[], options?: { cause?: unknown }) {
    super('CL_WEBGPU_VALIDATION', `WebGPU error during computation: ${gpuErrors.join('\n')}`, options)
    this.name = 'WebGpuValidationError'
    this.gpuErrors = gpuErrors
  }
}
