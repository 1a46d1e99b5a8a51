/**
 * Node module-customization hooks (`module.register`) that let a `--dgp FILE` module live anywhere on disk: its
 * imports of `@cl/*` and `@tensorflow/*` resolve to cl-reproduce's own copies, as if the CLI itself imported them, so
 * the user's DGP and the CLI share one TensorFlow.js engine and need no node_modules beside the module.
 *
 * This file is its own build entry (`dist/dgp-hooks.js`): Node loads it on its hooks thread, so it imports nothing.
 */

/** Data passed with `register(url, { data })`. */
export interface DgpHooksData {
  /** A module URL inside the CLI's install (its dist/); shared packages are re-resolved as if imported from it. */
  readonly cliUrl: string
  /** URL of the CLI package's directory (with a trailing slash); importers under it are the CLI's own code. */
  readonly cliRoot: string
}

/** Specifiers that must be the CLI's copies: the toolkit and TensorFlow.js (one engine per process). */
export const SHARED_SPECIFIER = /^@(?:cl|tensorflow)\//

/**
 * Whether an import of `specifier` from `parentURL` is re-resolved from the CLI: a shared package imported by a
 * module that is neither the CLI's own code nor inside a node_modules folder (a package keeps its own dependencies).
 */
export function shouldRedirect(specifier: string, parentURL: string | undefined, data: DgpHooksData): boolean {
  if (!SHARED_SPECIFIER.test(specifier) || parentURL === undefined || !parentURL.startsWith('file:')) return false
  if (parentURL.startsWith(data.cliRoot)) return false
  return !/\/node_modules\//.test(parentURL)
}

interface ResolveContext {
  readonly conditions: readonly string[]
  readonly importAttributes?: Record<string, string>
  readonly parentURL?: string
}
interface ResolveResult {
  readonly url: string
  readonly format?: string | null
  readonly shortCircuit?: boolean
}
type NextResolve = (specifier: string, context?: Partial<ResolveContext>) => ResolveResult | Promise<ResolveResult>

let hooksData: DgpHooksData | undefined

/** Node calls this once with the `data` given to `register`. */
export function initialize(data: DgpHooksData): void {
  hooksData = data
}

/** Build the resolve hook for `data` (exported for tests; Node uses {@link resolve}). */
export function createResolve(data: DgpHooksData) {
  return async function resolveShared(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
    if (!shouldRedirect(specifier, context.parentURL, data)) return nextResolve(specifier, context)
    try {
      return await nextResolve(specifier, { ...context, parentURL: data.cliUrl })
    } catch {
      // Not a dependency of the CLI (e.g. a @tensorflow package it does not ship): the module's own resolution decides.
      return nextResolve(specifier, context)
    }
  }
}

/** The resolve hook Node runs for every import once the hooks are registered. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  if (hooksData === undefined) return nextResolve(specifier, context)
  return createResolve(hooksData)(specifier, context, nextResolve)
}
