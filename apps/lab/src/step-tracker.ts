import type { TrainStepInfo } from '@cl/reproduce/browser'
import type { WorkerMessage } from './protocol.js'

/** What the tracker sends: throttled progress and every-K-steps spectra. */
export type TrackerMessage = Extract<WorkerMessage, { type: 'progress' | 'spectrum' }>

export interface StepTrackerOptions {
  /** Read the spectrum every `every` steps (K) and at a job's last step. */
  readonly every: number
  /** Progress messages at most this often (ms), and always at a job's last step. */
  readonly minIntervalMs: number
  readonly now: () => number
  readonly post: (message: TrackerMessage) => void
  /**
   * Start reading the tracked weight matrix's spectrum from the job's variables (what must happen inside the callback
   * happens when this is called; the values may arrive later). Undefined: nothing to read.
   */
  readonly readSpectrum: (variables: TrainStepInfo['variables']) => Promise<{ matrix: string; values: readonly number[] }> | undefined
  /** Where a failed read is reported (the run goes on without that spectrum). */
  readonly onReadError?: (error: unknown) => void
}

/**
 * The experiment context's `onTrainStep` for the lab: counts jobs, measures steps/s over ~1 s windows, batches the loss
 * points between progress messages, and reads the spectrum every K steps (one read at a time) — all from one step
 * callback, so the page gets a few messages per second whatever the step rate.
 */
export function createStepTracker(options: StepTrackerOptions): { onTrainStep(info: TrainStepInfo): void } {
  let job: string | undefined
  let jobIndex = 0
  let pending: [number, number][] = []
  let lastPost = Number.NEGATIVE_INFINITY
  let windowStart = options.now()
  let windowStep = 0
  let rate = 0
  /** Whether a whole ~1 s window has passed in this job (before it, the rate is over the job's steps so far). */
  let settled = false
  /** A spectrum read in flight: the next K-th step is skipped rather than queued behind it. */
  let reading = false
  return {
    onTrainStep(info) {
      const now = options.now()
      if (info.job !== job) {
        job = info.job
        jobIndex += 1
        windowStart = now
        windowStep = info.step
        rate = 0
        settled = false
      }
      pending.push([info.step, info.loss])
      const elapsed = (now - windowStart) / 1000
      if (elapsed >= 1) {
        rate = (info.step - windowStep) / elapsed
        windowStart = now
        windowStep = info.step
        settled = true
      } else if (!settled && elapsed > 0) {
        rate = (info.step - windowStep) / elapsed
      }
      const last = info.step >= info.steps
      if ((info.step % options.every === 0 || last) && !reading) {
        const pending = options.readSpectrum(info.variables)
        if (pending !== undefined) {
          reading = true
          const { job: j, step } = info
          pending
            .then((s) => options.post({ type: 'spectrum', job: j, step, matrix: s.matrix, values: [...s.values] }))
            .catch((error: unknown) => options.onReadError?.(error))
            .finally(() => {
              reading = false
            })
        }
      }
      if (last || now - lastPost >= options.minIntervalMs) {
        options.post({ type: 'progress', job: info.job, jobIndex, step: info.step, steps: info.steps, loss: info.loss, stepsPerSecond: rate, losses: pending })
        pending = []
        lastPost = now
      }
    },
  }
}
