/**
 * TensorFlow.js WebGPU backend for Node, on top of the optional `webgpu`
 * package (Dawn's dawn.node, v0.6.2).
 *
 * How it works
 * - `@tensorflow/tfjs-backend-webgpu` registers its backend at import time, and
 *   only if `globalThis.navigator.gpu` exists then. So we install
 *   `navigator.gpu = create(dawnOptions)` first and import the backend after.
 * - Without a GPU, Dawn can use a software adapter:
 *   - 'vulkan': SwiftShader's Vulkan ICD shipped in Debian's `chromium-common`
 *     (`apt-get install -y chromium libvulkan1`), selected with
 *     VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
 *     Limits: 1 GiB storage binding / 1 GiB buffer.
 *   - 'opengles': Mesa llvmpipe through EGL surfaceless (EGL_PLATFORM=surfaceless,
 *     Dawn `backend=opengles`, adapter requested with featureLevel
 *     'compatibility'). Limits: 128 MiB storage binding.
 *   - 'default': whatever Dawn finds with the inherited environment (a real GPU).
 * - Every `create()` call builds a new Dawn instance that reads the environment
 *   again (measured: VK_ICD_FILENAMES / EGL_PLATFORM set through `process.env`
 *   before `create()` are honoured, and routes can be probed one after another
 *   in one process). The tfjs backend itself can only be registered once per
 *   process, so the route is fixed by the first `registerWebGpuBackend` call.
 * - Exception: in a worker thread (e.g. vitest `pool: 'threads'`) `process.env`
 *   is a thread-local copy and does not reach Dawn/Vulkan/EGL. There the
 *   env vars must be set before node starts; routes that would need a change
 *   are reported as unavailable with that hint.
 * - Failures must surface as errors, never as numbers: check sizes with
 *   `assertFitsDevice` and run computations inside `withGpuErrorScope`
 *   (out-of-limit bindings otherwise only print a Dawn warning and tfjs
 *   returns zeros).
 *
 * `webgpu` and `@tensorflow/tfjs-backend-webgpu` are optional: they are
 * imported dynamically through variable specifiers so this module type-checks
 * and loads without them.
 */
import { existsSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

import * as tf from '@tensorflow/tfjs'

export type WebGpuRoute = 'vulkan' | 'opengles' | 'default'

export interface WebGpuAdapterInfo {
  vendor: string
  architecture: string
  device: string
  description: string
  software: boolean
  route: WebGpuRoute
  maxStorageBufferBindingSize: number
  maxBufferSize: number
}

export interface WebGpuLimits {
  maxStorageBufferBindingSize: number
  maxBufferSize: number
}

export type WebGpuProbeResult = { ok: true; adapter: WebGpuAdapterInfo } | { ok: false; reason: string }

export interface ProbeWebGpuOptions {
  route?: 'auto' | WebGpuRoute
}

/** Where Debian's chromium(-common) package ships SwiftShader's Vulkan ICD. */
export const SWIFTSHADER_ICD_CANDIDATES: readonly string[] = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
]

const INSTALL_HINT =
  'install a software driver: `apt-get install -y chromium libvulkan1` (SwiftShader Vulkan via ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json) or Mesa `libegl1 libgles2 libegl-mesa0` ' +
  '(OpenGL ES via EGL_PLATFORM=surfaceless)'

const ADAPTER_TIMEOUT_MS = 30_000

// ---------------------------------------------------------------------------
// Minimal structural types for the parts of the WebGPU API used here, so that
// this file needs neither `webgpu` nor `@webgpu/types` to compile.

interface GpuAdapterInfoLike {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
  isFallbackAdapter?: boolean
}

interface GpuAdapterLike {
  info?: GpuAdapterInfoLike
  isFallbackAdapter?: boolean
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }
}

interface GpuRequestAdapterOptions {
  powerPreference?: 'low-power' | 'high-performance'
  featureLevel?: 'core' | 'compatibility'
  [key: string]: unknown
}

interface GpuLike {
  requestAdapter(options?: GpuRequestAdapterOptions): Promise<GpuAdapterLike | null>
  [key: string]: unknown
}

interface GpuErrorLike {
  message: string
  constructor?: { name?: string }
}

interface GpuDeviceLike {
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void
  popErrorScope(): Promise<GpuErrorLike | null>
  limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number }
}

interface WebGpuModule {
  create: (options: string[]) => GpuLike
  globals: Record<string, unknown>
}

interface TfWebGpuBackendLike {
  device?: GpuDeviceLike
  commandEncoder?: unknown
  endComputePassEncoder?: () => void
  submitQueue?: () => void
}

interface RouteConfig {
  env: Record<string, string>
  /** Cosmetic env (applied on the main thread only, never required). */
  optionalEnv: Record<string, string>
  dawnOptions: string[]
  adapterOptions: GpuRequestAdapterOptions
}

// ---------------------------------------------------------------------------
// Helpers

function firstLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value)
  return (text.split('\n')[0] ?? '').trim()
}

function errorCode(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'code' in value) {
    const code = (value as { code: unknown }).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

function findSwiftShaderIcd(): string | undefined {
  return SWIFTSHADER_ICD_CANDIDATES.find((path) => existsSync(path))
}

/** Dawn options, env and adapter options for one route; undefined if unavailable. */
function routeConfig(route: WebGpuRoute): RouteConfig | { unavailable: string } {
  switch (route) {
    case 'default':
      return { env: {}, optionalEnv: {}, dawnOptions: [], adapterOptions: { powerPreference: 'high-performance' } }
    case 'vulkan': {
      // Respect a driver the user chose explicitly.
      const icd = process.env['VK_ICD_FILENAMES'] ?? findSwiftShaderIcd()
      if (icd === undefined) {
        return {
          unavailable:
            'SwiftShader Vulkan ICD not found (looked for ' +
            SWIFTSHADER_ICD_CANDIDATES.join(', ') +
            '): `apt-get install -y chromium libvulkan1`',
        }
      }
      return {
        env: { VK_ICD_FILENAMES: icd },
        // Mesa's implicit device-select layer (mesa-vulkan-drivers) prints
        // "XDG_RUNTIME_DIR is invalid" on headless machines; it is not needed here.
        optionalEnv: { VK_LOADER_LAYERS_DISABLE: process.env['VK_LOADER_LAYERS_DISABLE'] ?? '~implicit~' },
        dawnOptions: ['backend=vulkan'],
        adapterOptions: { powerPreference: 'high-performance' },
      }
    }
    case 'opengles':
      return {
        env: { EGL_PLATFORM: process.env['EGL_PLATFORM'] ?? 'surfaceless' },
        optionalEnv: {},
        dawnOptions: ['backend=opengles'],
        // Dawn's GLES backend only offers WebGPU "compatibility" adapters.
        adapterOptions: { powerPreference: 'high-performance', featureLevel: 'compatibility' },
      }
  }
}

/** Env vars of `env` that differ from the current environment. */
function envChanges(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([key, value]) => process.env[key] !== value)
    .map(([key, value]) => `${key}=${value}`)
}

/** In a worker thread, process.env writes do not reach native code: explain instead. */
function workerEnvProblem(route: WebGpuRoute, env: Record<string, string>): string | undefined {
  if (isMainThread) return undefined
  const changes = envChanges(env)
  if (changes.length === 0) return undefined
  return (
    `route '${route}' needs ${changes.join(' ')} set before node starts ` +
    '(process.env changes in a worker thread do not reach Dawn; or run on the main thread, e.g. vitest pool "forks")'
  )
}

/** Set env vars, returning a function that restores the previous values. */
function applyEnv(env: Record<string, string>): () => void {
  const previous: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(env)) {
    previous[key] = process.env[key]
    process.env[key] = value
  }
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}

let webgpuModulePromise: Promise<WebGpuModule> | undefined

/** Import the optional `webgpu` package; rejects with a one-line, actionable message. */
function loadWebGpuModule(): Promise<WebGpuModule> {
  webgpuModulePromise ??= (async () => {
    const specifier = 'webgpu'
    let mod: unknown
    try {
      mod = await import(specifier)
    } catch (error) {
      const code = errorCode(error)
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        if (/dawn\.node/.test(firstLine(error))) {
          throw new Error(`the \`webgpu\` package has no dawn.node for ${process.platform}-${process.arch}`)
        }
        throw new Error('the optional `webgpu` package is not installed (npm i webgpu@0.6.2)')
      }
      throw new Error(`the \`webgpu\` package failed to load dawn.node: ${firstLine(error)}`)
    }
    const candidate = mod as Partial<WebGpuModule>
    if (typeof candidate.create !== 'function' || typeof candidate.globals !== 'object' || candidate.globals === null) {
      throw new Error('the `webgpu` package does not export create/globals (expected webgpu@0.6.x)')
    }
    return { create: candidate.create, globals: candidate.globals }
  })()
  // Do not cache failures forever: a retry after `npm i` in a REPL should work.
  webgpuModulePromise.catch(() => {
    webgpuModulePromise = undefined
  })
  return webgpuModulePromise
}

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

const SOFTWARE_PATTERN = /swiftshader|llvmpipe|lavapipe|softpipe|software|warp|basic render/i

function describeAdapter(adapter: GpuAdapterLike, route: WebGpuRoute): WebGpuAdapterInfo {
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

// ---------------------------------------------------------------------------
// Public API

/**
 * Find a WebGPU adapter. With route 'auto' (default) tries, in order: 'default'
 * (hardware, inherited env), 'vulkan' (SwiftShader ICD, if its JSON exists),
 * 'opengles' (Mesa EGL surfaceless). Never throws; restores process.env.
 */
export async function probeWebGpu(options: ProbeWebGpuOptions = {}): Promise<WebGpuProbeResult> {
  try {
    let mod: WebGpuModule
    try {
      mod = await loadWebGpuModule()
    } catch (error) {
      return { ok: false, reason: firstLine(error) }
    }
    const requested = options.route ?? 'auto'
    const routes: WebGpuRoute[] = requested === 'auto' ? ['default', 'vulkan', 'opengles'] : [requested]
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
    const workerNeeds = routes
      .map((route) => {
        const config = routeConfig(route)
        return 'unavailable' in config ? [] : isMainThread ? [] : envChanges(config.env)
      })
      .flat()
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

let registeredRoute: WebGpuRoute | undefined
let registering: Promise<void> | undefined
let installedGpu: GpuLike | undefined

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

/**
 * Install `navigator.gpu` (Dawn with the route's options and env) and import
 * `@tensorflow/tfjs-backend-webgpu`, so that `tf.setBackend('webgpu')` works.
 * Idempotent for the same route; throws for a different route (the tfjs
 * backend registers once per process). The route's env vars
 * (VK_ICD_FILENAMES / EGL_PLATFORM) stay set, since Dawn discovers adapters
 * lazily at `tf.setBackend('webgpu')`.
 * Note: tf.setBackend('webgpu') still resolves false (not throws) if init fails.
 */
export async function registerWebGpuBackend(route: WebGpuRoute): Promise<void> {
  if (registeredRoute !== undefined) {
    if (registeredRoute !== route) {
      throw new Error(
        `WebGPU backend already registered with route '${registeredRoute}'; one route per process (asked for '${route}')`,
      )
    }
    return
  }
  registering ??= (async () => {
    const config = routeConfig(route)
    if ('unavailable' in config) throw new Error(config.unavailable)
    const workerProblem = workerEnvProblem(route, config.env)
    if (workerProblem !== undefined) throw new Error(workerProblem)
    const mod = await loadWebGpuModule()
    applyEnv({ ...config.optionalEnv, ...config.env }) // permanent on purpose, see above
    const gpu = wrapGpu(mod.create(config.dawnOptions), config.adapterOptions)
    // GPUBufferUsage, GPUMapMode, GPUShaderStage, ... are used as globals by tfjs.
    for (const [key, value] of Object.entries(mod.globals)) {
      if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value
    }
    installNavigatorGpu(gpu)
    installedGpu = gpu
    const backendSpecifier = '@tensorflow/tfjs-backend-webgpu'
    try {
      await import(backendSpecifier)
    } catch (error) {
      const code = errorCode(error)
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new Error(
          'the optional `@tensorflow/tfjs-backend-webgpu` package is not installed (npm i @tensorflow/tfjs-backend-webgpu@4.22.0)',
        )
      }
      throw new Error(`@tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(error)}`)
    }
    if (tf.findBackendFactory('webgpu') == null) {
      throw new Error(
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
  if (registeredRoute !== route) {
    throw new Error(
      `WebGPU backend already registered with route '${String(registeredRoute)}'; one route per process (asked for '${route}')`,
    )
  }
}

/** The route passed to the successful registerWebGpuBackend call, if any. */
export function registeredWebGpuRoute(): WebGpuRoute | undefined {
  return registeredRoute
}

/** True once navigator.gpu has been installed by this module. */
export function isWebGpuInstalled(): boolean {
  return installedGpu !== undefined
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`
  return `${bytes} B`
}

/**
 * Throw a 'WebGpuLimitError' if a buffer of `bytes` cannot be bound as a
 * storage buffer (tfjs binds every tensor that way) or cannot be allocated.
 */
export function assertFitsDevice(bytes: number, limits: WebGpuLimits, what: string): void {
  if (!Number.isFinite(bytes) || bytes < 0) {
    const error = new Error(`${what}: invalid size ${String(bytes)} bytes`)
    error.name = 'WebGpuLimitError'
    throw error
  }
  const checks: Array<[keyof WebGpuLimits, number]> = [
    ['maxStorageBufferBindingSize', limits.maxStorageBufferBindingSize],
    ['maxBufferSize', limits.maxBufferSize],
  ]
  for (const [name, limit] of checks) {
    if (bytes > limit) {
      const error = new Error(
        `${what} needs ${bytes} bytes (${formatBytes(bytes)}) but the WebGPU device's ${name} is ` +
          `${limit} bytes (${formatBytes(limit)})`,
      )
      error.name = 'WebGpuLimitError'
      throw error
    }
  }
}

/** The GPUDevice of the active tfjs backend, if it is 'webgpu'. */
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
 * Run `fn` (which should read its results back, e.g. `await t.data()`) inside
 * WebGPU validation + out-of-memory error scopes of the active tfjs webgpu
 * device; throw a 'WebGpuValidationError' carrying the GPU message if any GPU
 * error was captured. With another backend, just runs `fn`.
 * Error scopes are per device, not per async task: do not run other GPU work
 * concurrently, or its errors are attributed to this scope.
 */
export async function withGpuErrorScope<T>(fn: () => Promise<T>): Promise<T> {
  const backend = activeWebGpuBackend()
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
  if (captured.length > 0) {
    const error = new Error(`WebGPU error during computation: ${captured.join('\n')}`, {
      ...(result.ok ? {} : { cause: result.error }),
    })
    error.name = 'WebGpuValidationError'
    throw error
  }
  if (!result.ok) throw result.error
  return result.value
}
