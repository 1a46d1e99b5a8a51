import * as tf from '@tensorflow/tfjs'
import { lpInfoNce } from '@cl/infonce'
import { MemoryEstimateError } from './errors.js'
import type { WorkloadShape } from './workloads/workload.js'

/**
 * Peak-memory estimate of one training step, checked before a row runs (docs/benchmarks.md "Memory guard"). The
 * activation and parameter constants are the reproduce app's (apps/reproduce `experiments/memory-estimate.ts`,
 * measured with `tf.profile`). Without the kernel the estimate stays the stock InfoNCE's — up to {@link PAIR_MATRICES}
 * float32 N×N matrices alive in the backward pass — a safe over-estimate of the tiled fused path, which the reproduce
 * app bounds by 4·min(N, 1024)² floats (the kernel registers itself on wasm/cpu, so there this branch is the
 * compile-failure fallback and the other backends); the encoder keeps
 * {@link ACTIVATION_COPIES} float32 values per sample and activation unit; Adam {@link PARAMETER_COPIES} per parameter.
 * With the fused pairwise log-sum-exp kernel registered (`@cl/infonce`, no N×N buffer) the N×N term becomes
 * {@link FUSED_PAIR_ROWS} float32 [N, d]-sized buffers plus {@link FUSED_TILE_BYTES} of per-thread tiles.
 */
export const PAIR_MATRICES = 12
export const ACTIVATION_COPIES = 24
export const PARAMETER_COPIES = 4
export const FUSED_PAIR_ROWS = 16
export const FUSED_TILE_BYTES = 64 * 2 ** 20
/** The wasm backend's heap limit (performance fact 4: past it the process aborts, uncatchably). */
export const WASM_HEAP_BYTES = 4 * 2 ** 30
/** What one step may use: the heap less 512 MiB for the DGP's samples and the runtime (the app's budget). */
export const STEP_BUDGET_BYTES = WASM_HEAP_BYTES - 512 * 2 ** 20
/** Kernel name of the fused forward (packages/infonce `pairwise-lse-kernel.ts`, `PAIRWISE_LSE_FORWARD`). */
export const FUSED_FORWARD_KERNEL = 'ClPairwiseLseForward'

function sizes(shape: WorkloadShape, n: number): { units: number; params: number } {
  // loss-only: the embedding and its positive view are the activations, the embedding is the parameter.
  if (shape.embedding === true) return { units: 2 * shape.dims, params: n * shape.dims }
  const widths = [shape.dims, ...shape.hiddenWidths, shape.dims]
  let units = shape.dims
  let params = 0
  for (let i = 1; i < widths.length; i++) {
    units += widths[i]!
    params += widths[i - 1]! * widths[i]! + widths[i]!
  }
  return { units, params }
}

/** Upper bound on the bytes of one step of `shape` at batch size `n`; `fused`: the InfoNCE has no N×N buffer. */
export function estimateStepBytes(n: number, shape: WorkloadShape, fused: boolean): number {
  const { units, params } = sizes(shape, n)
  const pairs = fused ? FUSED_PAIR_ROWS * n * shape.dims + FUSED_TILE_BYTES / 4 : PAIR_MATRICES * n * n
  return 4 * (pairs + ACTIVATION_COPIES * n * units + PARAMETER_COPIES * params)
}

/** The largest N whose estimate fits in `budget` (binary search; the estimate grows with N). */
export function maxBatchSize(shape: WorkloadShape, fused: boolean, budget = STEP_BUDGET_BYTES): number {
  if (estimateStepBytes(2, shape, fused) > budget) return 0
  let lo = 2
  let hi = 2
  while (estimateStepBytes(hi, shape, fused) <= budget && hi < 2 ** 30) hi *= 2
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (estimateStepBytes(mid, shape, fused) <= budget) lo = mid
    else hi = mid
  }
  return lo
}

/** Throw a {@link MemoryEstimateError} when a step of `workload` at batch size `n` does not fit the step budget. */
export function checkBatchFits(workload: string, n: number, shape: WorkloadShape, fused: boolean, budget = STEP_BUDGET_BYTES): void {
  const bytes = estimateStepBytes(n, shape, fused)
  if (bytes > budget) throw new MemoryEstimateError(workload, n, bytes, budget, maxBatchSize(shape, fused, budget))
}

/**
 * Whether the active backend runs the InfoNCE through the fused kernel. One tiny loss + gradient runs first, so a
 * kernel registered on first use is registered by the time we look.
 */
export function fusedLossActive(): boolean {
  tf.tidy(() => {
    const a = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D
    return tf.grad((x: tf.Tensor) => lpInfoNce(x as tf.Tensor2D, tf.add(x, 0.05) as tf.Tensor2D, { tau: 1, p: 2 }).total)(a)
  }).dispose()
  return tf.getKernel(FUSED_FORWARD_KERNEL, tf.getBackend()) !== undefined
}
