import { createRequire } from 'node:module'
import * as tf from '@tensorflow/tfjs'
import { probeWebGpu, registerWebGpuBackend } from './webgpu.js'

/** Every backend `cl-reproduce` knows, in the order `auto` tries them. */
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]

/**
 * Outcome of trying to make a backend available (registered with tfjs, not yet selected). `emulatedGpu` marks a
 * software WebGPU adapter (SwiftShader, llvmpipe): `auto` skips it, forcing `--backend webgpu` uses it.
 */
export type Availability =
  | { readonly ok: true; readonly detail: string; readonly emulatedGpu: boolean }
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

/** Load a tfjs-node flavour; `load` is injectable for tests. */
export async function registerTensorflow(
  load: (pkg: string) => unknown = (pkg) => require(pkg),
  packages: readonly string[] = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
): Promise<Availability> {
  const reasons: string[] = []
  for (const pkg of packages) {
    try {
      load(pkg)
      if (tf.findBackendFactory('tensorflow') != null) {
        return { ok: true, detail: `${pkg} (libtensorflow)`, emulatedGpu: false }
      }
      reasons.push(`${pkg} loaded but registered no 'tensorflow' backend`)
    } catch (error) {
      reasons.push(explainTfjsNodeFailure(pkg, error))
    }
  }
  return { ok: false, reason: reasons.join('; ') }
}

async function registerWasm(): Promise<Availability> {
  try {
    await import('@tensorflow/tfjs-backend-wasm')
    return tf.findBackendFactory('wasm') != null
      ? { ok: true, detail: 'WebAssembly (XNNPACK, SIMD, single-threaded in Node)', emulatedGpu: false }
      : { ok: false, reason: '@tensorflow/tfjs-backend-wasm registered no backend' }
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(String(error))}` }
  }
}

async function registerWebGpu(): Promise<Availability> {
  const probe = await probeWebGpu()
  if (!probe.ok) return { ok: false, reason: probe.reason }
  try {
    await registerWebGpuBackend(probe.adapter.route)
  } catch (error) {
    return { ok: false, reason: `WebGPU backend failed to register: ${firstLine(String(error))}` }
  }
  const a = probe.adapter
  const kind = a.software ? 'software' : 'hardware'
  return {
    ok: true,
    detail: `${kind} adapter via ${a.route}: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ')}`,
    emulatedGpu: a.software,
  }
}

/** The real candidates, in `auto` order. */
export function defaultCandidates(): BackendCandidate[] {
  return [
    { name: 'tensorflow', register: () => registerTensorflow() },
    { name: 'webgpu', register: registerWebGpu },
    { name: 'wasm', register: registerWasm },
    { name: 'cpu', register: async () => ({ ok: true, detail: 'plain JavaScript (slow; for tests)', emulatedGpu: false }) },
  ]
}
