/**
 * Finding a WebGPU adapter through Dawn without registering the tfjs backend (for `cl-reproduce backends` and the
 * `auto` selection). A probe builds a fresh Dawn instance per route and restores `process.env` afterwards.
 */
import { BackendUnavailableError } from '../errors.js'
import { firstLine, loadWebGpuModule, type GpuAdapterLike, type WebGpuModule } from './webgpu-dawn.js'
import {
  INSTALL_HINT,
  WEBGPU_ROUTES,
  applyEnv,
  findSwiftShaderIcd,
  routeConfig,
  workerEnvNeeds,
  workerEnvProblem,
  type WebGpuRoute,
} from './webgpu-routes.js'

/** The adapter a probe found, with the two limits that decide whether a tensor fits. */
export interface WebGpuAdapterInfo {
  readonly vendor: string
  readonly architecture: string
  readonly device: string
  readonly description: string
  /** SwiftShader, llvmpipe or another CPU implementation. */
  readonly software: boolean
  readonly route: WebGpuRoute
  readonly maxStorageBufferBindingSize: number
  readonly maxBufferSize: number
}

export type WebGpuProbeResult = { ok: true; adapter: WebGpuAdapterInfo } | { ok: false; reason: string }

const ADAPTER_TIMEOUT_MS = 30_000

const SOFTWARE_PATTERN = /swiftshader|llvmpipe|lavapipe|softpipe|software|warp|basic render/i

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)
    timer.unref()
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/** Name, limits and software-ness of an adapter. */
export function describeAdapter(adapter: GpuAdapterLike, route: WebGpuRoute): WebGpuAdapterInfo {
  const info = adapter.info ?? {}
  const vendor = info.vendor ?? ''
  const architecture = info.architecture ?? ''
  const device = info.device ?? ''
  const description = info.description ?? ''
  const software =
    info.isFallbackAdapter === true ||
    adapter.isFallbackAdapter === true ||
    SOFTWARE_PATTERN.test([vendor, architecture, device, description].join(' '))
  return {
    vendor,
    architecture,
    device,
    description,
    software,
    route,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  }
}

async function probeRoute(mod: WebGpuModule, route: WebGpuRoute): Promise<WebGpuProbeResult> {
  const config = routeConfig(route)
  if ('unavailable' in config) return { ok: false, reason: config.unavailable }
  const workerProblem = workerEnvProblem(route, config.env)
  if (workerProblem !== undefined) return { ok: false, reason: workerProblem }
  const restore = applyEnv({ ...config.optionalEnv, ...config.env })
  try {
    // A fresh Dawn instance per probe; it reads the env we just set.
    const gpu = mod.create(config.dawnOptions)
    const adapter = await withTimeout(gpu.requestAdapter(config.adapterOptions), ADAPTER_TIMEOUT_MS, 'requestAdapter')
    if (adapter === null) return { ok: false, reason: `no adapter on route '${route}'` }
    return { ok: true, adapter: describeAdapter(adapter, route) }
  } catch (error) {
    return { ok: false, reason: `route '${route}' failed: ${firstLine(error)}` }
  } finally {
    restore()
  }
}

/**
 * Find a WebGPU adapter. With route 'auto' (default) tries, in order: 'default' (hardware, inherited env), 'vulkan'
 * (SwiftShader ICD, if its JSON exists), 'opengles' (Mesa EGL surfaceless). Never throws; restores process.env.
 */
export async function probeWebGpu(options: { route?: 'auto' | WebGpuRoute } = {}): Promise<WebGpuProbeResult> {
  try {
    let mod: WebGpuModule
    try {
      mod = await loadWebGpuModule()
    } catch (error) {
      return { ok: false, reason: error instanceof BackendUnavailableError ? error.reason : firstLine(error) }
    }
    const requested = options.route ?? 'auto'
    const routes: readonly WebGpuRoute[] = requested === 'auto' ? WEBGPU_ROUTES : [requested]
    const failures: string[] = []
    for (const route of routes) {
      if (requested === 'auto' && route === 'vulkan' && findSwiftShaderIcd() === undefined) {
        failures.push('SwiftShader ICD not installed')
        continue
      }
      const result = await probeRoute(mod, route)
      if (result.ok) return result
      failures.push(result.reason)
    }
    const workerNeeds = workerEnvNeeds(routes)
    const reason =
      workerNeeds.length > 0
        ? `no WebGPU adapter in this worker thread (process.env changes do not reach Dawn here): start node with ` +
          `${workerNeeds.join(' or ')}, or run on the main thread (vitest pool 'forks')`
        : `no WebGPU adapter (${failures.join('; ')}): ${INSTALL_HINT}`
    return { ok: false, reason: reason.replace(/\s*\n\s*/g, ' ') }
  } catch (error) {
    return { ok: false, reason: `WebGPU probe failed unexpectedly: ${firstLine(error)}` }
  }
}
