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
  /** Read the tracked weight matrix's spectrum from the job's variables (synchronously, inside the callback). */
  readonly readSpectrum: (variables: TrainStepInfo['variables']) => { matrix: string; values: readonly number[] } | undefined
}

/**
 * The experiment context's `onTrainStep` for the lab: counts jobs, measures steps/s over ~1 s windows, batches the loss
 * points between progress messages, and reads the spectrum every K steps — all from one step callback, so the page
 * gets a few messages per second whatever the step rate.
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
      if (info.step % options.every === 0 || last) {
        const spectrum = options.readSpectrum(info.variables)
        if (spectrum !== undefined) options.post({ type: 'spectrum', job: info.job, step: info.step, matrix: spectrum.matrix, values: [...spectrum.values] })
      }
      if (last || now - lastPost >= options.minIntervalMs) {
        options.post({ type: 'progress', job: info.job, jobIndex, step: info.step, steps: info.steps, loss: info.loss, stepsPerSecond: rate, losses: pending })
        pending = []
        lastPost = now
      }
    },
  }
}
