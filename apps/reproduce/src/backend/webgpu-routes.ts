/**
 * The ways Dawn can reach an adapter, and the environment each needs.
 * - 'vulkan': SwiftShader's Vulkan ICD shipped in Debian's `chromium-common` (`apt-get install -y chromium libvulkan1`),
 *   selected with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json. Limits: 1 GiB storage binding / buffer.
 * - 'opengles': Mesa llvmpipe through EGL surfaceless (EGL_PLATFORM=surfaceless, Dawn `backend=opengles`, adapter
 *   requested with featureLevel 'compatibility'). Limits: 128 MiB storage binding.
 * - 'default': whatever Dawn finds with the inherited environment (a real GPU).
 *
 * Every Dawn `create()` reads the environment again, so env vars set through `process.env` before it are honoured and
 * routes can be probed one after another in one process. Exception: in a worker thread (e.g. vitest `pool: 'threads'`)
 * `process.env` is a thread-local copy that does not reach Dawn/Vulkan/EGL; there the variables must be set before node
 * starts, and routes that would need a change are reported as unavailable with that hint.
 * Measured facts behind this: docs/tfjs-backends.md.
 */
import { existsSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

import type { GpuRequestAdapterOptions } from './webgpu-dawn.js'

export type WebGpuRoute = 'vulkan' | 'opengles' | 'default'

/** Routes in the order `auto` tries them. */
export const WEBGPU_ROUTES: readonly WebGpuRoute[] = ['default', 'vulkan', 'opengles']

/** Where Debian's chromium(-common) package ships SwiftShader's Vulkan ICD. */
const SWIFTSHADER_ICD_CANDIDATES: readonly string[] = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
]

/** How to get a software adapter on a machine without a GPU. */
export const INSTALL_HINT =
  'install a software driver: `apt-get install -y chromium libvulkan1` (SwiftShader Vulkan via ' +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json) or Mesa `libegl1 libgles2 libegl-mesa0` ' +
  '(OpenGL ES via EGL_PLATFORM=surfaceless)'

/** Dawn options, env and adapter options of one route. */
export interface RouteConfig {
  readonly env: Record<string, string>
  /** Cosmetic env (applied on the main thread only, never required). */
  readonly optionalEnv: Record<string, string>
  readonly dawnOptions: string[]
  readonly adapterOptions: GpuRequestAdapterOptions
}

/** The SwiftShader ICD JSON, if installed. */
export function findSwiftShaderIcd(): string | undefined {
  return SWIFTSHADER_ICD_CANDIDATES.find((path) => existsSync(path))
}

/** The configuration of `route`, or why it is unavailable here. */
export function routeConfig(route: WebGpuRoute): RouteConfig | { unavailable: string } {
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

/** Env vars of `env` that differ from the current environment, as `KEY=value`. */
export function envChanges(env: Record<string, string>): string[] {
  return Object.entries(env)
    .filter(([key, value]) => process.env[key] !== value)
    .map(([key, value]) => `${key}=${value}`)
}

/** In a worker thread, process.env writes do not reach native code: explain instead. */
export function workerEnvProblem(route: WebGpuRoute, env: Record<string, string>): string | undefined {
  if (isMainThread) return undefined
  const changes = envChanges(env)
  if (changes.length === 0) return undefined
  return (
    `route '${route}' needs ${changes.join(' ')} set before node starts ` +
    '(process.env changes in a worker thread do not reach Dawn; or run on the main thread, e.g. vitest pool "forks")'
  )
}

/** Env vars a worker thread would need for `routes` (empty on the main thread). */
export function workerEnvNeeds(routes: readonly WebGpuRoute[]): string[] {
  if (isMainThread) return []
  return routes.flatMap((route) => {
    const config = routeConfig(route)
    return 'unavailable' in config ? [] : envChanges(config.env)
  })
}

/** Set env vars, returning a function that restores the previous values. */
export function applyEnv(env: Record<string, string>): () => void {
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
