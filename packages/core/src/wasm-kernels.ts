import { useWasmConvGradients } from './wasm-conv-backprop-filter.js'
import { useFastWasmConvInput } from './wasm-conv-backprop-input.js'
import { useSharedWasmIdentity } from './wasm-identity.js'
import { useFastWasmMatMul } from './wasm-matmul.js'

/**
 * Every tfjs-wasm kernel addition or replacement of this package: {@link useFastWasmMatMul} (transposed matMul through
 * XNNPACK), {@link useSharedWasmIdentity} (no copy per tensor saved for a gradient) and {@link useWasmConvGradients}
 * (the `Conv2DBackpropFilter` kernel tfjs-wasm lacks, so conv nets train on wasm) and {@link useFastWasmConvInput}
 * (`Conv2DBackpropInput` through XNNPACK instead of a nested loop). Idempotent; a no-op returning false when the wasm
 * backend is not loaded. Returns true only when all four are installed. `@cl/train`'s `train` calls
 * it; applications call it once after importing `@tensorflow/tfjs-backend-wasm`.
 */
export function useFastWasmKernels(): boolean {
  const matMul = useFastWasmMatMul()
  const identity = useSharedWasmIdentity()
  const convGradients = useWasmConvGradients()
  const convInput = useFastWasmConvInput()
  return matMul && identity && convGradients && convInput
}
