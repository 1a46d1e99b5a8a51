import * as tf from '@tensorflow/tfjs'

/** Kernel names that `backend` (already registered) lacks among `needed` (forward and backward kernels). */
export function missingKernels(backend: string, needed: readonly string[]): string[] {
  const have = new Set(tf.getKernelsForBackend(backend).map((k) => k.kernelName))
  return needed.filter((k) => !have.has(k))
}
