import { InvalidConfigError } from '@cl/core'

/**
 * Memory a training step needs, estimated before anything runs. The WebAssembly backend's heap is at most 4 GiB, and
 * running out of it aborts the process ("memory access out of bounds") where no error can be caught, so a batch that
 * cannot fit is refused up front (`preflight`).
 *
 * The InfoNCE losses run fused by default (`@cl/infonce` `pairwiseLogSumExp`): the N×N logit matrix never exists. On
 * wasm and cpu the wasm-SIMD kernel needs O(N·d) (in its own wasm memory, not the tfjs heap); where it is unavailable
 * the tiled stock-op path holds a few tile × tile float32 buffers, tile = min(N, 1024): measured peak of forward +
 * backward ≈ 3.5·min(N, 1024)² floats, so {@link PAIR_TILE_COPIES} = 4 covers both paths. The encoder keeps per-layer
 * activations of both views and their gradients; Adam keeps the parameters, their gradients and two moments. Measured
 * with `tf.profile` on the cpu backend (peak bytes of one Adam step on the experiments' encoders, N = 192 and 256):
 * 13–19 float32 values per activation unit and sample. The constants below round those up, so the estimate is an upper
 * bound (tested in memory-estimate.test.ts, also on the tiled path).
 */
export const PAIR_TILE_COPIES = 4
/** Rows and columns of one tile of the tiled fused path (`@cl/infonce`'s default `tileSize`). */
export const PAIR_TILE = 1024
/** float32 values per sample per activation unit (both views, forward and backward). */
export const ACTIVATION_COPIES = 24
/** float32 values per parameter (value, gradient, Adam's m and v). */
export const PARAMETER_COPIES = 4
/** The WebAssembly backend's heap limit. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30
/** What a training step may use: the heap less 512 MiB for the evaluation batch, the DGP's samples and the runtime. */
export const TRAIN_STEP_BUDGET_BYTES = WASM_HEAP_BYTES - 512 * 2 ** 20

/** The encoder a step trains: input d, hidden widths, output width (default d). */
export interface EncoderShape {
  readonly dims: number
  readonly hiddenWidths: readonly number[]
  readonly outputDim?: number
}

function encoderSizes(shape: EncoderShape): { units: number; params: number } {
  const widths = [shape.dims, ...shape.hiddenWidths, shape.outputDim ?? shape.dims]
  let units = 0
  let params = 0
  for (let i = 1; i < widths.length; i++) {
    units += widths[i]!
    params += widths[i - 1]! * widths[i]! + widths[i]!
  }
  return { units: units + shape.dims, params }
}

/** float32 values of the fused loss's pair term for `rows` anchors against `cols` candidates (tiled path, upper bound). */
export function pairTermFloats(rows: number, cols: number): number {
  return PAIR_TILE_COPIES * Math.min(rows, PAIR_TILE) * Math.min(cols, PAIR_TILE)
}

/** Upper bound on the bytes one training step (forward, backward, Adam update) of a batch of `batchSize` pairs needs. */
export function estimateTrainStepBytes(batchSize: number, encoder: EncoderShape): number {
  const { units, params } = encoderSizes(encoder)
  return 4 * (pairTermFloats(batchSize, batchSize) + ACTIVATION_COPIES * batchSize * units + PARAMETER_COPIES * params)
}

/** The largest batch whose {@link estimateTrainStepBytes} fits in `budget` bytes (binary search: it grows with N). */
export function maxTrainBatchSize(encoder: EncoderShape, budget = TRAIN_STEP_BUDGET_BYTES): number {
  if (estimateTrainStepBytes(1, encoder) > budget) return 0
  let lo = 1
  let hi = 2
  while (estimateTrainStepBytes(hi, encoder) <= budget && hi < 2 ** 40) hi *= 2
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (estimateTrainStepBytes(mid, encoder) <= budget) lo = mid
    else hi = mid
  }
  return lo
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`

/** Throw an InvalidConfigError naming `field` when a batch of `batchSize` pairs cannot fit in the step budget. */
export function checkTrainBatchFits(field: string, batchSize: number, encoder: EncoderShape): void {
  const bytes = estimateTrainStepBytes(batchSize, encoder)
  if (bytes <= TRAIN_STEP_BUDGET_BYTES) return
  const max = maxTrainBatchSize(encoder)
  throw new InvalidConfigError(
    field,
    `at most ${max} for this encoder (a step of ${batchSize} pairs needs about ${gib(bytes)}, mostly the encoder's activations; the wasm heap is ${gib(WASM_HEAP_BYTES)})`,
    batchSize,
  )
}

/**
 * Upper bound on the bytes of an evaluation pass over `samples` inputs: both views through the encoder (all layers
 * kept, as the layer-wise probes do) plus the row-chunked fused loss evaluation (`chunk` rows × all samples, tiled).
 */
export function estimateEvalBytes(samples: number, encoder: EncoderShape, chunk = 512): number {
  const { units } = encoderSizes(encoder)
  return 4 * (2 * samples * units + pairTermFloats(Math.min(chunk, samples), samples))
}

/** Throw an InvalidConfigError naming `field` when an evaluation over `samples` inputs cannot fit in the step budget. */
export function checkEvalFits(field: string, samples: number, encoder: EncoderShape): void {
  const bytes = estimateEvalBytes(samples, encoder)
  if (bytes <= TRAIN_STEP_BUDGET_BYTES) return
  let max = samples
  while (max > 16 && estimateEvalBytes(max, encoder) > TRAIN_STEP_BUDGET_BYTES) max = Math.floor(max * 0.9)
  throw new InvalidConfigError(field, `at most about ${max} for this encoder (${samples} samples need about ${gib(bytes)}; the wasm heap is ${gib(WASM_HEAP_BYTES)})`, samples)
}
