import { PairwiseLseKernelError } from './errors.js'
import { PAIRWISE_LSE_WASM_BASE64 } from './pairwise-lse-wasm.generated.js'

/**
 * The prebuilt wasm32 + SIMD128 kernel (csrc/pairwise_lse.c): its exports, and one lazily compiled module per process.
 * Compilation is synchronous (the module is ~80 KB), so it happens on the first kernel call, never at import.
 */

/** The C kernel's exports (pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer }
  cl_workspace(n: number, m: number, d: number): number
  cl_ptr_a(): number
  cl_ptr_b(): number
  cl_ptr_w(): number
  cl_ptr_lse(): number
  cl_ptr_dy(): number
  cl_ptr_da(): number
  cl_ptr_db(): number
  cl_ptr_dw(): number
  cl_forward(n: number, m: number, d: number, form: number, p: number, exclude: number, selfOffset: number): void
  cl_backward(n: number, m: number, d: number, form: number, p: number, exclude: number, selfOffset: number): void
  cl_vexp(x: number, out: number, n: number): void
  cl_vlog(x: number, out: number, n: number): void
}

/** The slice of the WebAssembly JS API used here (the project compiles without DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: unknown }
}

function wasmApi(): WasmApi {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  if (api === undefined) throw new PairwiseLseKernelError('unavailable', 'WebAssembly is not available in this runtime')
  return api
}

let bytes: Uint8Array | undefined
let compiled: object | undefined

/** The kernel's wasm bytes (decoded once). */
export function kernelWasmBytes(): Uint8Array {
  if (bytes === undefined) {
    const bin = atob(PAIRWISE_LSE_WASM_BASE64)
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    bytes = out
  }
  return bytes
}

/** A fresh instance (own linear memory) of the kernel. */
export function instantiateKernel(): KernelExports {
  const api = wasmApi()
  try {
    compiled ??= new api.Module(kernelWasmBytes())
    return new api.Instance(compiled, {}).exports as KernelExports
  } catch (cause) {
    throw new PairwiseLseKernelError('unavailable', 'the wasm-SIMD module failed to compile (WebAssembly SIMD needed)', {
      cause,
    })
  }
}
