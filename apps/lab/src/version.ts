import labPackage from '../package.json'

/** The lab's version (package.json), recorded with @cl/reproduce's in result.json's `versions.app`. */
export const LAB_VERSION: string = labPackage.version

/** The browser the run used (recorded in result.json `versions.browser`, where the CLI records Node's version). */
export function browserVersion(): string {
  const nav = globalThis.navigator as { userAgent?: string } | undefined
  return nav?.userAgent ?? 'unknown browser'
}
