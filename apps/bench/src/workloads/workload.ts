import type { TrainJob } from '@cl/train'

/** The workloads of the benchmark, as named by the PyTorch reference (`torch/torch_reference.py --workload`). */
export const WORKLOAD_NAMES = ['quick-mlp', 'loss-only', 'linear', 'mlp-box', 'mlp-sphere'] as const
export type WorkloadName = (typeof WORKLOAD_NAMES)[number]

/** What a run of `pnpm bench` measures when no `--workload` is given (the four; mlp-sphere is opt-in). */
export const DEFAULT_WORKLOADS: readonly WorkloadName[] = ['quick-mlp', 'loss-only', 'linear', 'mlp-box']

/** Options every workload is built from. */
export interface WorkloadOptions {
  /** Batch size N (positive pairs per step). */
  readonly n: number
  /** Seed of the encoder init, the generator g and the DGP's step batches. */
  readonly seed: number
  /**
   * Condition-number draws of the generator g (cl-ica: 25 000, what the app uses). Building g is set-up, never timed;
   * `--quick` lowers it so a smoke test starts in well under a second.
   */
  readonly thresholdDraws: number
}

/** A built workload: one `@cl/train` job (its loss is one full step: fresh batch, encoder, InfoNCE) and its Adam lr. */
export interface BuiltWorkload {
  readonly job: TrainJob
  readonly learningRate: number
  /** Releases the encoder's (or the embedding's) variables. */
  dispose(): void
}

/**
 * What the memory estimate needs: the encoder's input (= output) width and hidden widths; `embedding`: no encoder, the
 * trained variable is the [N, dims] embedding itself (loss-only).
 */
export interface WorkloadShape {
  readonly dims: number
  readonly hiddenWidths: readonly number[]
  readonly embedding?: boolean
}

/** One benchmark workload: its default N, the network it trains and how to build its training job. */
export interface Workload {
  readonly name: WorkloadName
  /** One line for `--help` and docs/benchmarks.md. */
  readonly description: string
  /** N of the comparison table (the PyTorch reference's numbers are at this N). */
  readonly defaultN: number
  /** N of `--quick` (smoke tests: seconds on the cpu backend). */
  readonly quickN: number
  readonly shape: WorkloadShape
  build(options: WorkloadOptions): BuiltWorkload
}
