import * as tf from '@tensorflow/tfjs'
import { firstLine, type Availability } from './availability.js'

interface AdapterInfoLike {
  readonly vendor?: string
  readonly architecture?: string
  readonly device?: string
  readonly description?: string
}
interface AdapterLike {
  readonly info?: AdapterInfoLike
  readonly isFallbackAdapter?: boolean
  requestAdapterInfo?(): Promise<AdapterInfoLike>
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>
}

/** Adapters that run on the CPU (Chromium's SwiftShader with `--disable-gpu --enable-unsafe-webgpu`, Mesa's llvmpipe). */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software/i

/**
 * WebGPU: `navigator.gpu` and an adapter first, and only then the tfjs backend module, which registers itself only
 * if `navigator.gpu` exists when it is imported (toolchain pitfall 14). A software adapter (what Chromium's
 * `--enable-unsafe-webgpu` gives without a GPU) is marked `emulated`: `auto` skips it, `?backend=webgpu` uses it.
 */
export async function registerWebGpu(): Promise<Availability> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu
  if (gpu === undefined) return { ok: false, reason: 'navigator.gpu missing (no WebGPU in this browser; Chromium without a GPU needs --enable-unsafe-webgpu)' }
  let adapter: AdapterLike | null
  try {
    adapter = await gpu.requestAdapter()
  } catch (error) {
    return { ok: false, reason: `navigator.gpu.requestAdapter() failed: ${firstLine(error)}` }
  }
  if (adapter === null) return { ok: false, reason: 'navigator.gpu.requestAdapter() returned no adapter' }
  let info: AdapterInfoLike = adapter.info ?? {}
  if (adapter.info === undefined && adapter.requestAdapterInfo !== undefined) info = await adapter.requestAdapterInfo().catch(() => ({}))
  const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s !== undefined && s !== '').join(' / ')
  const software = adapter.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(name)
  try {
    await import('@tensorflow/tfjs-backend-webgpu')
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(error)}` }
  }
  if (tf.findBackendFactory('webgpu') == null) return { ok: false, reason: '@tensorflow/tfjs-backend-webgpu registered no backend' }
  return {
    ok: true,
    detail: `${software ? 'software' : 'hardware'} adapter: ${name === '' ? 'no adapter info' : name}`,
    emulated: software,
    afterSelect: () => {
      const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message: string }> } }).device
      void device?.lost?.then((info) => {
        lost = info.message === '' ? 'device lost' : info.message
      })
    },
  }
}

let lost: string | undefined

/**
 * Why the WebGPU device was lost, if it was. Seen with Chromium's software adapter: after training steps, tfjs-webgpu's
 * synchronous read (`dataSync`, which the experiments use for small weight matrices) loses the device, and the next
 * read fails with "A valid external Instance reference no longer exists".
 */
export function webGpuDeviceLost(): string | undefined {
  return lost
}
