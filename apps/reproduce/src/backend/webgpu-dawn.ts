/**
 * The optional `webgpu` package (Dawn's dawn.node, v0.6.2) and the parts of the WebGPU API this app touches, typed
 * structurally so the app needs neither `webgpu` nor `@webgpu/types` to compile. The package is imported through a
 * variable specifier, so this module type-checks and loads without it.
 */
import { BackendUnavailableError } from '../errors.js'

interface GpuAdapterInfoLike {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
  isFallbackAdapter?: boolean
}

export interface GpuAdapterLike {
  info?: GpuAdapterInfoLike
  isFallbackAdapter?: boolean
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }
}

export interface GpuRequestAdapterOptions {
  powerPreference?: 'low-power' | 'high-performance'
  featureLevel?: 'core' | 'compatibility'
  [key: string]: unknown
}

/** `navigator.gpu`. */
export interface GpuLike {
  requestAdapter(options?: GpuRequestAdapterOptions): Promise<GpuAdapterLike | null>
  [key: string]: unknown
}

/** What the `webgpu` package exports: a factory for Dawn instances and the WebGPU globals (GPUBufferUsage, …). */
export interface WebGpuModule {
  create: (options: string[]) => GpuLike
  globals: Record<string, unknown>
}

/** First line of an error's message (Dawn and Node errors can span many lines). */
export function firstLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value)
  return (text.split('\n')[0] ?? '').trim()
}

/** Node's `code` of a module-loading error, if any. */
function errorCode(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'code' in value) {
    const code = (value as { code: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

/** True when `error` says a module could not be found (ESM or CommonJS). */
export function isModuleNotFound(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
}

let webgpuModulePromise: Promise<WebGpuModule> | undefined

/** Import the optional `webgpu` package; rejects with a one-line, actionable {@link BackendUnavailableError}. */
export function loadWebGpuModule(): Promise<WebGpuModule> {
  webgpuModulePromise ??= (async () => {
    const specifier = 'webgpu'
    let mod: unknown
    try {
      mod = await import(specifier)
    } catch (error) {
      if (isModuleNotFound(error)) {
        if (/dawn\.node/.test(firstLine(error))) {
          throw new BackendUnavailableError('webgpu', `the \`webgpu\` package has no dawn.node for ${process.platform}-${process.arch}`)
        }
        throw new BackendUnavailableError('webgpu', 'the optional `webgpu` package is not installed (npm i webgpu@0.6.2)')
      }
      throw new BackendUnavailableError('webgpu', `the \`webgpu\` package failed to load dawn.node: ${firstLine(error)}`, { cause: error })
    }
    const candidate = mod as Partial<WebGpuModule>
    if (typeof candidate.create !== 'function' || typeof candidate.globals !== 'object' || candidate.globals === null) {
      throw new BackendUnavailableError('webgpu', 'the `webgpu` package does not export create/globals (expected webgpu@0.6.x)')
    }
    return { create: candidate.create, globals: candidate.globals }
  })()
  // Do not cache failures forever: a retry after `npm i` in a REPL should work.
  webgpuModulePromise.catch(() => {
    webgpuModulePromise = undefined
  })
  return webgpuModulePromise
}
