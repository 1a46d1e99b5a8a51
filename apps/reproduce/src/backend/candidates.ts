import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { enableWasmThreads, useWasmConvGradients, type WasmThreadsStatus } from '@cl/core'
import type { BackendGuards } from './guards.js'
import { probeWebGpu } from './webgpu-probe.js'
import { registerWebGpuBackend } from './webgpu-register.js'
import { webGpuGuards } from './webgpu-guards.js'

/** Every backend `cl-reproduce` knows, in the order `auto` tries them. */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]

/**
 * Outcome of trying to make a backend available (registered with tfjs, not yet selected). `emulatedGpu` marks a
 * software WebGPU adapter (SwiftShader, llvmpipe): `auto` skips it, forcing `--backend webgpu` uses it. `guards` are the
 * backend's size and device-error checks (none: no-ops).
 */
export type Availability =
  | {
      readonly ok: true
      readonly detail: string
      readonly emulatedGpu: boolean
      readonly activate?: () => Promise<void>
      readonly guards?: BackendGuards
    }
  | { readonly ok: false; readonly reason: string }

/** A backend that can be probed and registered. `register` never throws: failures come back as a reason. */
export interface BackendCandidate {
  readonly name: BackendName
  register(): Promise<Availability>
}

const require = createRequire(import.meta.url)

/** One line explaining why a tfjs-node package could not be loaded. */
export function explainTfjsNodeFailure(pkg: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  if (code === 'MODULE_NOT_FOUND' && !/tfjs_binding|napi-v/.test(message) && message.includes(`'${pkg}'`)) {
    return `${pkg} is not installed (optional dependency)`
  }
  if (/tfjs_binding|napi-v\d|node-pre-gyp|\.node'/.test(message)) {
    return (
      `${pkg} installed without its libtensorflow binding: reinstall with network access, or set ` +
      `TFJS_NODE_CDN_STORAGE / TFJS_NODE_BASE_URI to a mirror, or unpack libtensorflow 2.9.1 into its deps/ and run ` +
      `\`npm rebuild ${pkg}\``
    )
  }
  if (/libcudart|libcudnn|libcublas|cuda/i.test(message)) {
    return `${pkg} needs CUDA 11.2 and cuDNN 8.1 on LD_LIBRARY_PATH: ${firstLine(message)}`
  }
  if (/isNullOrUndefined/.test(message)) {
    return `${pkg} 4.22.0 does not run on Node >= 23 (util.isNullOrUndefined was removed): use Node 20 or 22`
  }
  return `${pkg} failed to load: ${firstLine(message)}`
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? ''
}

/** Where a tfjs-node flavour lives and whether its native binding was built. */
export interface TfjsNodeInstall {
  readonly installed: boolean
  readonly bindingPath?: string
}

/** Locate `pkg` and its native `tfjs_binding.node` (under lib/napi-vN) without importing it: importing registers kernels. */
export function locateTfjsNode(pkg: string, resolve: (id: string) => string = require.resolve): TfjsNodeInstall {
  let dir: string
  try {
    dir = path.dirname(resolve(`${pkg}/package.json`))
  } catch {
    return { installed: false }
  }
  const lib = path.join(dir, 'lib')
  const napi = existsSync(lib) ? readdirSync(lib).filter((d) => d.startsWith('napi-v')).sort() : []
  for (const d of napi.reverse()) {
    const binding = path.join(lib, d, 'tfjs_binding.node')
    if (existsSync(binding)) return { installed: true, bindingPath: binding }
  }
  return { installed: true }
}

/**
 * Try tfjs-node-gpu, then tfjs-node. A package that is absent or lacks its native binding is reported without being
 * imported; one with a binding is imported (which registers and selects the 'tensorflow' backend).
 * `locate` and `load` are injectable for tests.
 */
export async function registerTensorflow(
  options: {
    packages?: readonly string[]
    locate?: (pkg: string) => TfjsNodeInstall
    load?: (pkg: string) => unknown
  } = {},
): Promise<Availability> {
  const packages = options.packages ?? ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']
  const locate = options.locate ?? ((pkg: string) => locateTfjsNode(pkg))
  const load = options.load ?? ((pkg: string) => require(pkg))
  const reasons: string[] = []
  for (const pkg of packages) {
    const install = locate(pkg)
    if (!install.installed) {
      reasons.push(`${pkg} is not installed (optional dependency)`)
      continue
    }
    if (install.bindingPath === undefined) {
      reasons.push(explainTfjsNodeFailure(pkg, new Error(`tfjs_binding.node not found under ${pkg}/lib/napi-v*`)))
      continue
    }
    try {
      quietKernelReRegistration(() => load(pkg))
      if (tf.findBackendFactory('tensorflow') != null) {
        return { ok: true, detail: `${pkg} (libtensorflow, ${pkg.endsWith('-gpu') ? 'CUDA' : 'CPU'})`, emulatedGpu: false }
      }
      reasons.push(`${pkg} loaded but registered no 'tensorflow' backend`)
    } catch (error) {
      reasons.push(explainTfjsNodeFailure(pkg, error))
    }
  }
  return { ok: false, reason: reasons.join('; ') }
}

/** tfjs warns once per kernel when a second tfjs-node flavour re-registers the 'tensorflow' kernels; hide that flood. */
function quietKernelReRegistration(fn: () => void): void {
  const warn = console.warn
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /^The kernel '.*' for backend '.*' is already registered/.test(args[0])) return
    warn(...args)
  }
  try {
    fn()
  } finally {
    console.warn = warn
  }
}

/**
 * The wasm backend with `threads` CPU threads for XNNPACK (tfjs-wasm's threaded-SIMD build under Node worker_threads,
 * `enableWasmThreads` in `@cl/core`); 1 keeps tfjs' own single-threaded module. A threaded start that fails falls
 * back to one thread and says why in the detail.
 */
async function registerWasm(threads: number): Promise<Availability> {
  try {
    await import('@tensorflow/tfjs-backend-wasm')
    if (tf.findBackendFactory('wasm') == null) return { ok: false, reason: '@tensorflow/tfjs-backend-wasm registered no backend' }
    // tfjs-wasm 4.22 has no Conv2DBackpropFilter (tfjs#8474): add @cl/core's right away, so that requiredKernels checks
    // and `cl-reproduce backends` see that wasm trains conv nets.
    useWasmConvGradients()
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(String(error))}` }
  }
  if (threads <= 1) return { ok: true, detail: 'WebAssembly (XNNPACK, SIMD, single-threaded)', emulatedGpu: false }
  let status: WasmThreadsStatus | undefined
  return {
    ok: true,
    emulatedGpu: false,
    // selectBackend reads the detail after activate().
    get detail() {
      return status?.multithreaded === true
        ? `WebAssembly (XNNPACK, SIMD, ${status.threads} threads)`
        : `WebAssembly (XNNPACK, SIMD, single-threaded${status !== undefined ? `: ${status.detail}` : ''})`
    },
    activate: async () => {
      status = await enableWasmThreads({ threads: Math.min(threads, 8) })
      if (status.threads === 0) throw new Error(status.detail)
    },
  }
}

async function registerWebGpu(): Promise<Availability> {
  const probe = await probeWebGpu()
  if (!probe.ok) return { ok: false, reason: probe.reason }
  const a = probe.adapter
  const kind = a.software ? 'software' : 'hardware'
  return {
    ok: true,
    detail: `${kind} adapter via ${a.route}: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ')}`,
    emulatedGpu: a.software,
    // Registering installs a global navigator.gpu: do it only once the backend is really chosen.
    activate: () => registerWebGpuBackend(a.route),
    guards: webGpuGuards(),
  }
}

/** The real candidates, in `auto` order; `wasmThreads` (default 1) sizes XNNPACK's thread pool on wasm. */
export function defaultCandidates(options: { readonly wasmThreads?: number } = {}): BackendCandidate[] {
  return [
    { name: 'tensorflow', register: () => registerTensorflow() },
    { name: 'webgpu', register: registerWebGpu },
    { name: 'wasm', register: () => registerWasm(options.wasmThreads ?? 1) },
    { name: 'cpu', register: async () => ({ ok: true, detail: 'plain JavaScript (slow; for tests)', emulatedGpu: false }) },
  ]
}
