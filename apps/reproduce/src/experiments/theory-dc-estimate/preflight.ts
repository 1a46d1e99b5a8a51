import { DgpRequirementError } from '../dgp-requirement-error.js'
import type { UserDgp } from '../experiment.js'

/**
 * `theory-dc-estimate` sweeps σ_c/σ_s of the paper's linear DGP (it builds the content conditional itself), so a user
 * DGP (`--dgp`), whose conditional is its own, cannot serve it.
 */
export function preflightTheoryDcEstimate(experiment: string, options: { readonly userDgp?: UserDgp }): void {
  if (options.userDgp !== undefined) {
    throw new DgpRequirementError(options.userDgp.module, `${experiment} sweeps σ_c/σ_s of the paper's linear DGP and takes no --dgp (a user DGP fixes its own content conditional)`, options.userDgp.module)
  }
}
