import path from 'node:path'
import type { UserDgp } from '../experiments/experiment.js'

/**
 * A short label of the DGP a run used, for figure titles and captions: `DGP my-dgp.mjs (sha256 87d2faff0…)`, `DGP
 * inline:myDgp`, or `the paper's DGP (§4.1)` when there is no user DGP. Full path and hash are in report.md.
 */
export function dgpLabel(userDgp: Pick<UserDgp, 'module' | 'sha256'> | undefined): string {
  if (userDgp === undefined) return "the paper's DGP (§4.1)"
  if (userDgp.sha256 === null) return `DGP ${userDgp.module}`
  return `DGP ${path.basename(userDgp.module)} (sha256 ${userDgp.sha256.slice(0, 9)}…)`
}
