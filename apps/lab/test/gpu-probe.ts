/** What a page reports about WebGPU and WebGL (the probe test records it in artifacts/probe-*.json). */
export interface GpuProbe {
  readonly userAgent: string
  readonly secureContext: boolean
  /** `'gpu' in navigator` (Chromium exposes it in secure contexts even where no adapter exists). */
  readonly navigatorGpu: boolean
  /** `requestAdapter()`'s adapter, null when it resolved null, undefined without `navigator.gpu`. */
  readonly adapter?: {
    readonly vendor: string
    readonly architecture: string
    readonly device: string
    readonly description: string
    readonly isFallbackAdapter: boolean
    readonly features: readonly string[]
    readonly maxBufferSize: number
    readonly maxComputeWorkgroupSizeX: number
  } | null
  readonly requestAdapterMs?: number
  /** Output of a 4-element compute shader doubling [1, 2, 3, 4] (proves the device really computes). */
  readonly computed?: readonly number[]
  readonly webgl2Renderer: string | null
  readonly webgl2FloatRender: boolean
}

/**
 * Runs inside the page (serialised by `page.evaluate`, so self-contained). WebGPU types are not in TypeScript's DOM
 * lib; the few members used are typed structurally here.
 */
export async function probeGpu(): Promise<GpuProbe> {
  interface Buf { mapAsync(mode: number): Promise<void>; getMappedRange(): ArrayBuffer; unmap(): void }
  interface Dev {
    queue: { writeBuffer(b: Buf, o: number, d: Float32Array): void; submit(c: unknown[]): void }
    createBuffer(d: { size: number; usage: number }): Buf
    createShaderModule(d: { code: string }): unknown
    createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): { getBindGroupLayout(i: number): unknown }
    createBindGroup(d: { layout: unknown; entries: { binding: number; resource: { buffer: Buf } }[] }): unknown
    createCommandEncoder(): {
      beginComputePass(): { setPipeline(p: unknown): void; setBindGroup(i: number, g: unknown): void; dispatchWorkgroups(n: number): void; end(): void }
      copyBufferToBuffer(a: Buf, ao: number, b: Buf, bo: number, n: number): void
      finish(): unknown
    }
    destroy(): void
  }
  interface Adapter {
    info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean }
    isFallbackAdapter?: boolean
    features: Set<string>
    limits: { maxBufferSize: number; maxComputeWorkgroupSizeX: number }
    requestDevice(): Promise<Dev>
  }
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu
  const canvas = document.createElement('canvas')
  const gl = canvas.getContext('webgl2')
  const debug = gl?.getExtension('WEBGL_debug_renderer_info')
  const base = {
    userAgent: navigator.userAgent,
    secureContext: isSecureContext,
    navigatorGpu: gpu !== undefined,
    webgl2Renderer: gl === null ? null : String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
    webgl2FloatRender: gl?.getExtension('EXT_color_buffer_float') != null,
  }
  if (gpu === undefined) return base
  const t0 = performance.now()
  const adapter = await gpu.requestAdapter()
  const requestAdapterMs = performance.now() - t0
  if (adapter === null) return { ...base, adapter: null, requestAdapterMs }
  const device = await adapter.requestDevice()
  // GPUBufferUsage: MAP_READ 1, COPY_SRC 4, COPY_DST 8, STORAGE 128; GPUMapMode.READ 1
  const storage = device.createBuffer({ size: 16, usage: 128 | 4 | 8 })
  const readback = device.createBuffer({ size: 16, usage: 1 | 8 })
  device.queue.writeBuffer(storage, 0, new Float32Array([1, 2, 3, 4]))
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: {
      module: device.createShaderModule({
        code: '@group(0) @binding(0) var<storage, read_write> v: array<f32>;\n@compute @workgroup_size(4) fn main(@builtin(global_invocation_id) i: vec3u) { v[i.x] = v[i.x] * 2.0; }',
      }),
      entryPoint: 'main',
    },
  })
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: storage } }] })
  const encoder = device.createCommandEncoder()
  const pass = encoder.beginComputePass()
  pass.setPipeline(pipeline)
  pass.setBindGroup(0, group)
  pass.dispatchWorkgroups(1)
  pass.end()
  encoder.copyBufferToBuffer(storage, 0, readback, 0, 16)
  device.queue.submit([encoder.finish()])
  await readback.mapAsync(1)
  const computed = [...new Float32Array(readback.getMappedRange().slice(0))]
  readback.unmap()
  device.destroy()
  const info = adapter.info
  return {
    ...base,
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
      features: [...adapter.features].sort(),
      maxBufferSize: adapter.limits.maxBufferSize,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
    },
    requestAdapterMs,
    computed,
  }
}
