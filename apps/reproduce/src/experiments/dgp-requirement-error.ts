import { InvalidConfigError } from '@cl/core'

/**
 * A user DGP (`--dgp FILE`) cannot serve an experiment: its metadata disagrees with what was asked for, its factory
 * threw, or it lacks what the experiment needs (g⁻¹, a linear g). One line naming the module and what is missing;
 * code `CL_INVALID_CONFIG` (field `--dgp`), so it is reported like any other invalid option.
 */
export class DgpRequirementError extends InvalidConfigError {
  readonly module: string
  constructor(module: string, message: string, received: unknown, options?: { cause?: unknown }) {
    super('--dgp', message, received, options)
    this.name = 'DgpRequirementError'
    this.module = module
    this.message = message
  }
}
