import type { Dgp } from '@cl/dgp'
import { DgpModuleError } from '../dgp/dgp-module-error.js'
import { DgpRequirementError } from './dgp-requirement-error.js'
import type { DgpFactoryOptions, UserDgp } from './experiment.js'

/** Which DGP a run used, for metrics and the report: the user's module (and its hash) or the paper's construction. */
export type DgpDescription = { readonly module: string; readonly sha256: string | null } | { readonly paper: string }

/** The description of the DGP a run uses: the user's module, or `paper` (a sentence naming the paper's DGP). */
export function describeDgp(userDgp: UserDgp | undefined, paper: string): DgpDescription {
  return userDgp === undefined ? { paper } : { module: userDgp.module, sha256: userDgp.sha256 }
}

/** One line for report.md naming the DGP. */
export function dgpReportLine(d: DgpDescription): string {
  return 'paper' in d ? `DGP: ${d.paper}.` : `DGP: user module \`${d.module}\`${d.sha256 === null ? '' : ` (sha256 ${d.sha256})`}.`
}

/**
 * Call a user DGP factory and check that what it returns is a `Dgp` for the (space, d, d_c) the experiment asked for.
 * Throws a {@link DgpRequirementError} naming the module and the mismatch.
 */
export function buildUserDgp(userDgp: UserDgp, experiment: string, options: DgpFactoryOptions): Dgp {
  const { module } = userDgp
  const asked = `space '${options.space}', dims ${options.dims}, contentDims ${options.contentDims}, seed ${options.seed}`
  let dgp: Dgp
  try {
    dgp = userDgp.factory(options)
  } catch (error) {
    // A loaded module's factory (`checkedFactory`) already names the module and the options it was called with.
    if (error instanceof DgpModuleError) throw new DgpRequirementError(module, `${experiment}: ${error.message}`, options, { cause: error })
    const reason = error instanceof Error ? error.message : String(error)
    throw new DgpRequirementError(module, `${experiment}: the DGP factory of ${module} threw for ${asked}: ${reason}`, options, { cause: error })
  }
  const d = dgp as Partial<Dgp> | null | undefined
  if (d === null || typeof d !== 'object' || typeof d.sample !== 'function' || typeof d.reseed !== 'function' || typeof d.metadata !== 'object' || d.generator === undefined) {
    throw new DgpRequirementError(module, `${experiment}: ${module} returned no @cl/dgp Dgp for ${asked} (expected an object with metadata, generator, sample and reseed)`, typeof dgp)
  }
  const meta = dgp.metadata
  for (const [key, want] of [['dims', options.dims], ['contentDims', options.contentDims]] as const) {
    if (meta[key] !== want) {
      throw new DgpRequirementError(module, `${experiment}: ${module} returned a DGP with metadata.${key} = ${String(meta[key])} for ${key} ${want} (${asked}); the factory must honour the requested ${key}`, meta[key])
    }
  }
  if (dgp.generator.dims !== options.dims) {
    throw new DgpRequirementError(module, `${experiment}: ${module} returned a generator with dims ${String(dgp.generator.dims)} for dims ${options.dims}`, dgp.generator.dims)
  }
  return dgp
}

/**
 * Table 1's f = g⁻¹ row needs the generator's inverse: check that it exists and maps a sampled x back to finite values
 * of the right shape (float64 path, no tensors). Throws a {@link DgpRequirementError} naming what is missing.
 */
export function requireInverse(dgp: Dgp, module: string, experiment: string): void {
  const g = dgp.generator
  const needs = `${experiment} needs the generator's inverse g⁻¹ (the f = g⁻¹ row)`
  if (typeof g.inverseArray !== 'function' || typeof g.inverse !== 'function') {
    throw new DgpRequirementError(module, `${needs}; ${module}'s generator '${g.kind}' has no inverse/inverseArray`, g.kind)
  }
  const n = 4
  let z: Float64Array
  try {
    const batch = dgp.reseed(0).sampleArrays(n)
    z = g.inverseArray(batch.x, n)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new DgpRequirementError(module, `${needs}; ${module}'s generator '${g.kind}' inverse threw: ${reason}`, g.kind, { cause: error })
  }
  if (!(z instanceof Float64Array || Array.isArray(z)) || z.length !== n * dgp.metadata.dims || !Array.from(z).every(Number.isFinite)) {
    throw new DgpRequirementError(module, `${needs}; ${module}'s generator '${g.kind}' inverse returned no finite [n, ${dgp.metadata.dims}] array`, g.kind)
  }
}

/** The d×d matrix of a linear generator (x = W·z, `weights[out][in]`), or undefined when `g` has none. */
export function linearWeights(dgp: Dgp): readonly (readonly number[])[] | undefined {
  const w = (dgp.generator as { weights?: unknown }).weights
  const d = dgp.metadata.dims
  if (!Array.isArray(w) || w.length !== d) return undefined
  for (const row of w) if (!Array.isArray(row) || row.length !== d || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined
  return w as number[][]
}

/** Fig. 1 left reads W·A_g: the generator must be linear with a `weights` matrix. */
export function requireLinear(dgp: Dgp, module: string, experiment: string): readonly (readonly number[])[] {
  const w = linearWeights(dgp)
  if (w === undefined) {
    throw new DgpRequirementError(module, `${experiment} needs a linear generator g with a weights matrix; ${module} provides '${dgp.generator.kind}'`, dgp.generator.kind)
  }
  return w
}
