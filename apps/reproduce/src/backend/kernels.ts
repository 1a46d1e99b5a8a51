import * as tf from '@tensorflow/tfjs'

/** Kernel names that `backend` (already registered) lacks among `needed` (forward and backward kernels). */
export function missingKernels(backend: string, needed: readonly string[]): string[] {
  const have = new Set(tf.getKernelsForBackend(backend).map((k) => k.kernelName))
  return needed.filter((k) => !have.has(k))
}

/**
 * Kernels that training a conv net needs beyond the elementwise ones: the forward convolution and both of its
 * gradients (tfjs-core `Conv2D_grad.ts`). tfjs-wasm 4.22 lacks `Conv2DBackpropFilter` (tfjs#8474); `@cl/core`'s
 * `useWasmConvGradients` supplies it, installed when the wasm backend registers. The image experiments list these as
 * `requiredKernels`; `cl-reproduce backends` reports them per backend.
 */
export const CONV_TRAINING_KERNELS: readonly string[] = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']

/** Whether `backend` (registered) can train conv nets: null when it has no kernels registered yet (WebGPU before selection). */
export function convTrainingSupport(backend: string): { readonly able: boolean | null; readonly missing: readonly string[] } {
  if (tf.getKernelsForBackend(backend).length === 0) return { able: null, missing: [] }
  const missing = missingKernels(backend, CONV_TRAINING_KERNELS)
  return { able: missing.length === 0, missing }
}

/** `yes`, `no (missing: …)` or `checked when selected` (a backend whose kernels register only then). */
export function formatConvTraining(support: { readonly able: boolean | null; readonly missing: readonly string[] }): string {
  if (support.able === null) return 'checked when selected (its kernels register then)'
  return support.able ? 'yes' : `no (missing: ${support.missing.join(', ')})`
}
