import { useSharedWasmIdentity } from './wasm-identity.js'
import { useFastWasmMatMul } from './wasm-matmul.js'

/**
 * Every tfjs-wasm kernel replacement of this package: {@link useFastWasmMatMul} (transposed matMul through XNNPACK)
 * and {@link useSharedWasmIdentity} (no copy per tensor saved for a gradient). Idempotent; a no-op returning false
 * when the wasm backend is not loaded. `@cl/train`'s `train` calls it; applications call it once after importing
 * `@tensorflow/tfjs-backend-wasm`.
 */
export function useFastWasmKernels(): boolean {
  const matMul = useFastWasmMatMul()
  const identity = useSharedWasmIdentity()
  return matMul && identity
}
