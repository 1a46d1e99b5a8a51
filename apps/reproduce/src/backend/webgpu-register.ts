/**
 * Registering TensorFlow.js's WebGPU backend in Node. `@tensorflow/tfjs-backend-webgpu` registers its backend at import
 * time, and only if `globalThis.navigator.gpu` exists then: so `navigator.gpu = create(dawnOptions)` is installed first
 * and the backend imported after. The tfjs backend registers once per process, so the first successful call fixes the
 * route.
 */
import * as tf from '@tensorflow/tfjs'

import { BackendUnavailableError } from '../errors.js'
import { firstLine, isModuleNotFound, loadWebGpuModule, type GpuLike, type GpuRequestAdapterOptions } from './webgpu-dawn.js'
import { applyEnv, routeConfig, workerEnvProblem, type WebGpuRoute } from './webgpu-routes.js'

let registeredRoute: WebGpuRoute | undefined
let registering: Promise<void> | undefined

/** Wrap a Dawn GPU object so requestAdapter always asks for the route's adapter options. */
function wrapGpu(gpu: GpuLike, adapterOptions: GpuRequestAdapterOptions): GpuLike {
  if (adapterOptions.featureLevel === undefined) return gpu
  const featureLevel = adapterOptions.featureLevel
  return new Proxy(gpu, {
    get(target, property) {
      if (property === 'requestAdapter') {
        return (options?: GpuRequestAdapterOptions) => target.requestAdapter({ ...options, featureLevel })
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: unknown }
  const existing = g.navigator
  if (typeof existing === 'object' && existing !== null) {
    // Node >= 21 has a global navigator (getter on globalThis): add `gpu` to it.
    try {
      Object.defineProperty(existing, 'gpu', { value: gpu, configurable: true, writable: true, enumerable: true })
      if ((existing as { gpu?: unknown }).gpu === gpu) return
    } catch {
      // fall through and replace navigator
    }
  }
  // Node 20 has no navigator; Object.defineProperty also works if it were a getter-only accessor.
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(typeof existing === 'object' && existing !== null ? existing : {}), gpu },
    configurable: true,
    writable: true,
    enumerable: false,
  })
}

function oneRoutePerProcess(asked: WebGpuRoute): BackendUnavailableError {
  return new BackendUnavailableError(
    'webgpu',
    `already registered with route '${String(registeredRoute)}'; one route per process (asked for '${asked}')`,
  )
}

/**
 * Install `navigator.gpu` (Dawn with the route's options and env) and import `@tensorflow/tfjs-backend-webgpu`, so that
 * `tf.setBackend('webgpu')` works. Idempotent for the same route; throws a {@link BackendUnavailableError} for a
 * different route or when a package is missing. The route's env vars (VK_ICD_FILENAMES / EGL_PLATFORM) stay set, since
 * Dawn discovers adapters lazily at `tf.setBackend('webgpu')`, which still resolves false (not throws) if init fails.
 */
export async function registerWebGpuBackend(route: WebGpuRoute): Promise<void> {
  if (registeredRoute !== undefined) {
    if (registeredRoute !== route) throw oneRoutePerProcess(route)
    return
  }
  registering ??= (async () => {
    const config = routeConfig(route)
    if ('unavailable' in config) throw new BackendUnavailableError('webgpu', config.unavailable)
    const workerProblem = workerEnvProblem(route, config.env)
    if (workerProblem !== undefined) throw new BackendUnavailableError('webgpu', workerProblem)
    const mod = await loadWebGpuModule()
    applyEnv({ ...config.optionalEnv, ...config.env }) // permanent on purpose, see above
    const gpu = wrapGpu(mod.create(config.dawnOptions), config.adapterOptions)
    // GPUBufferUsage, GPUMapMode, GPUShaderStage, ... are used as globals by tfjs.
    for (const [key, value] of Object.entries(mod.globals)) {
      if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value
    }
    installNavigatorGpu(gpu)
    const backendSpecifier = '@tensorflow/tfjs-backend-webgpu'
    try {
      await import(backendSpecifier)
    } catch (error) {
      if (isModuleNotFound(error)) {
        throw new BackendUnavailableError(
          'webgpu',
          'the optional `@tensorflow/tfjs-backend-webgpu` package is not installed (npm i @tensorflow/tfjs-backend-webgpu@4.22.0)',
        )
      }
      throw new BackendUnavailableError('webgpu', `@tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(error)}`, { cause: error })
    }
    if (tf.findBackendFactory('webgpu') == null) {
      throw new BackendUnavailableError(
        'webgpu',
        '@tensorflow/tfjs-backend-webgpu did not register: it was imported before navigator.gpu was installed ' +
          '(import it only through registerWebGpuBackend)',
      )
    }
    registeredRoute = route
  })()
  try {
    await registering
  } catch (error) {
    registering = undefined
    throw error
  }
  if (registeredRoute !== route) throw oneRoutePerProcess(route)
}
