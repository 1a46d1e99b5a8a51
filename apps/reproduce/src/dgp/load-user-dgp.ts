import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { InvalidConfigError, isClError } from '@cl/core'
import { pathToFileURL } from 'node:url'
import type { Dgp } from '@cl/dgp'
import type { DgpFactory, DgpFactoryOptions, UserDgp } from '../experiments/experiment.js'
import { DgpModuleError } from './dgp-module-error.js'
import { missingDgpMembers } from './is-dgp.js'
import { registerDgpHooks } from './register-hooks.js'

/** sha256 (hex) of a file's bytes: the identity of a `--dgp` module in run.json, result.json and report.md. */
export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

function firstLine(error: unknown): string {
  // Toolkit errors already say what is wrong; a TypeError or SyntaxError keeps its name.
  const text = error instanceof Error ? `${error.name === 'Error' || isClError(error) ? '' : `${error.name}: `}${error.message}` : String(error)
  return text.split('\n')[0]!.trim()
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') return 'a Promise'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/**
 * Wrap a user factory so every DGP it returns is checked: a throw, a Promise (factories are synchronous), an object
 * that is not a `@cl/dgp` Dgp, or a Dgp with other d / d_c than asked for become one {@link DgpModuleError} naming
 * `module` and the options.
 */
export function checkedFactory(factory: (options: DgpFactoryOptions) => unknown, module: string): DgpFactory {
  return (options) => {
    const asked = `{ space: '${options.space}', dims: ${options.dims}, contentDims: ${options.contentDims}, seed: ${options.seed} }`
    let dgp: unknown
    try {
      dgp = factory(options)
    } catch (error) {
      throw new DgpModuleError(module, `the factory threw for ${asked}: ${firstLine(error)}`, { cause: error })
    }
    const missing = missingDgpMembers(dgp)
    if (missing.length > 0) {
      throw new DgpModuleError(module, `the factory returned ${describeValue(dgp)} that is not a @cl/dgp Dgp for ${asked} (missing: ${missing.join(', ')})`)
    }
    const meta = (dgp as Dgp).metadata
    if (meta.dims !== options.dims || meta.contentDims !== options.contentDims) {
      throw new DgpModuleError(module, `the factory returned a Dgp with dims ${meta.dims}, contentDims ${meta.contentDims} for ${asked}`)
    }
    return dgp as Dgp
  }
}

/**
 * Load a user DGP (`--dgp FILE`): an ES module whose default export is a factory
 * `({ space, dims, contentDims, seed }) => Dgp`. Its `@cl/*` and `@tensorflow/*` imports resolve to the CLI's own
 * copies (see `resolve-hooks.ts`). Every failure is one {@link DgpModuleError} line naming the file.
 */
export async function loadUserDgp(file: string): Promise<UserDgp> {
  const module = path.resolve(file)
  let isFile = false
  try {
    isFile = statSync(module).isFile()
  } catch {
    throw new DgpModuleError(module, 'not found')
  }
  if (!isFile) throw new DgpModuleError(module, 'not a file')
  if (module.endsWith('.cjs')) throw new DgpModuleError(module, 'is a CommonJS file (.cjs); write the DGP as an ES module (.mjs)')
  const sha256 = sha256File(module)
  registerDgpHooks()
  let namespace: Record<string, unknown>
  try {
    namespace = (await import(/* @vite-ignore */ pathToFileURL(module).href)) as Record<string, unknown>
  } catch (error) {
    throw new DgpModuleError(module, `cannot be loaded as an ES module: ${firstLine(error)}`, { cause: error })
  }
  if (!('default' in namespace) || namespace.default === undefined) {
    throw new DgpModuleError(module, 'has no default export (expected `export default function ({ space, dims, contentDims, seed }) { … return dgp }`)')
  }
  const factory = namespace.default
  if (typeof factory !== 'function') throw new DgpModuleError(module, `its default export is ${describeValue(factory)}, not a factory function`)
  return { factory: checkedFactory(factory as (options: DgpFactoryOptions) => unknown, module), module, sha256 }
}

/**
 * Reload the DGP a run recorded (`--resume`): the same file, refused in one line if its bytes (sha256) changed since.
 */
export async function reloadRecordedDgp(recorded: { readonly module: string; readonly sha256: string }): Promise<UserDgp> {
  let now: string
  try {
    now = sha256File(recorded.module)
  } catch {
    throw new DgpModuleError(recorded.module, 'not found (the run was started with this DGP module; restore it to resume)')
  }
  if (now !== recorded.sha256) {
    throw new DgpModuleError(recorded.module, `changed since the run started (sha256 ${now.slice(0, 12)}…, recorded ${recorded.sha256.slice(0, 12)}…); restore it or start a new run`)
  }
  const loaded = await loadUserDgp(recorded.module)
  if (loaded.sha256 !== recorded.sha256) throw new DgpModuleError(recorded.module, 'changed while it was being loaded; restore it or start a new run')
  return loaded
}

/** What run.json records about a user DGP. */
export interface RecordedDgp {
  readonly module: string
  readonly sha256: string | null
}

/**
 * The DGP a resumed run continues with: the one it recorded (reloaded, hash-checked), never another. `given` (a
 * `--dgp` passed with `--resume`) must name the same module and bytes; an inline factory (API) must be given again.
 */
export async function userDgpForResume(recorded: RecordedDgp | undefined, given: UserDgp | undefined): Promise<UserDgp | undefined> {
  if (recorded === undefined) {
    if (given !== undefined) throw new InvalidConfigError('--dgp', "no --dgp with --resume of a run that used the paper's DGP", given.module)
    return undefined
  }
  if (recorded.sha256 === null) {
    if (given?.sha256 === null && given.module === recorded.module) return given
    throw new DgpModuleError(recorded.module, 'the run used an inline factory; resume it through the API with the same factory (runExperiment({ resume, dgp }))')
  }
  if (given !== undefined && (given.module !== recorded.module || given.sha256 !== recorded.sha256)) {
    throw new InvalidConfigError('--dgp', `the module the run recorded (${recorded.module}, unchanged) or none`, given.module)
  }
  return given ?? reloadRecordedDgp({ module: recorded.module, sha256: recorded.sha256 })
}
