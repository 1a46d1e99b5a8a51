import { InterruptedError } from '@cl/core'

let requested: string | null = null

/** Ask running training loops to stop at their next step (called from signal handlers). */
export function requestStop(signal: string): void {
  requested = signal
}

/** Forget a stop request (at the start and end of a run). */
export function clearStop(): void {
  requested = null
}

/** Throw an {@link InterruptedError} if a stop was requested. Training loops call this once per step. */
export function throwIfStopRequested(): void {
  if (requested !== null) throw new InterruptedError(requested)
}
