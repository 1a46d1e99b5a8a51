import { ClError } from '@cl/core'

/**
 * A rejection sampler gave up after `tries` draws without an accepted one (a truncated noise draw whose mean lies far
 * outside the box, or no generator layer under the condition-number threshold). A guard against hangs: the message
 * says which knob to turn.
 */
export class SamplingLimitError extends ClError {
  readonly what: string
  readonly tries: number
  constructor(what: string, tries: number, message: string) {
    super('CL_SAMPLING_LIMIT', message)
    this.name = 'SamplingLimitError'
    this.what = what
    this.tries = tries
  }
}
