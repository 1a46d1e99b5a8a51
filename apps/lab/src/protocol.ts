import type { RunResult } from '@cl/reproduce/browser'
import type { LabSettings } from './settings.js'

/** One backend the worker tried: selected, or skipped with the reason (shown in `#backend`). */
export interface LabBackendAttempt {
  readonly backend: 'webgpu' | 'webgl' | 'wasm'
  readonly outcome: 'selected' | 'skipped'
  readonly reason: string
}

/** The backend the worker trains on and how it was chosen (result.json's `backend`). */
export interface LabBackendInfo {
  readonly name: 'webgpu' | 'webgl' | 'wasm'
  readonly detail: string
  readonly forced: boolean
  readonly attempts: readonly LabBackendAttempt[]
}

/** Page → worker. */
export type PageMessage =
  /** A fresh run: new checkpoint store, the settings' config (validated again in the worker). */
  | { readonly type: 'run'; readonly settings: LabSettings }
  /** Abort the run at its next training step (after a checkpoint into the worker's store). */
  | { readonly type: 'stop' }
  /** Run the stopped run again with the same store: finished jobs are reused, the interrupted one resumes. */
  | { readonly type: 'resume' }

/** A figure of the finished run (SVG document from the experiment's output). */
export interface LabFigure {
  readonly name: string
  readonly caption: string
  readonly svg: string
}

/** Worker → page. */
export type WorkerMessage =
  | { readonly type: 'backend'; readonly backend: LabBackendInfo }
  /** Progress of the current training job (throttled): step N of M, its loss, steps/s, new loss points since the last. */
  | {
      readonly type: 'progress'
      readonly job: string
      readonly jobIndex: number
      readonly step: number
      readonly steps: number
      readonly loss: number
      readonly stepsPerSecond: number
      readonly losses: readonly (readonly [number, number])[]
    }
  /** Normalised singular values (descending) of the tracked weight matrix, read every K steps. */
  | { readonly type: 'spectrum'; readonly job: string; readonly step: number; readonly matrix: string; readonly values: readonly number[] }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'stopped'; readonly reason: string; readonly tensors: number }
  | { readonly type: 'done'; readonly result: RunResult; readonly figures: readonly LabFigure[]; readonly report: string; readonly tensors: number }
  | { readonly type: 'error'; readonly message: string; readonly field?: string; readonly tensors: number }
