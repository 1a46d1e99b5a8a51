import { ClError } from '@cl/core'

/**
 * A `--dgp FILE` module cannot be used: not found, not an ES module, no default export, a default export that is not a
 * factory, a factory that throws or returns something that is not a `@cl/dgp` Dgp. One line naming the file; code
 * `CL_INVALID_CONFIG` (the field is `--dgp`).
 */
export class DgpModuleError extends ClError {
  readonly field = '--dgp'
  readonly file: string
  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super('CL_INVALID_CONFIG', `--dgp ${file}: ${problem}`, options)
    this.name = 'DgpModuleError'
    this.file = file
  }
}
