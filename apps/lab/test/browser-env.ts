import { accessSync, constants, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

/** Debian's `chromium` (apt; `.ci/run` installs it); `CL_CHROMIUM` points the tests at another build. */
export const CHROMIUM = process.env.CL_CHROMIUM ?? '/usr/bin/chromium'
/** Set by `.ci/run`: a missing chromium, an unbuilt lab or CLI fails the browser tests instead of skipping them. */
export const REQUIRE_BROWSER = process.env.CL_REQUIRE_BROWSER === '1'
/** The lab's production build (`pnpm --filter @cl/lab build`, part of `pnpm build`). */
export const LAB_DIST = fileURLToPath(new URL('../dist/', import.meta.url))
/** The built CLI (`apps/reproduce`, part of `pnpm build`), run for the lab-versus-CLI comparison. */
export const CLI = fileURLToPath(new URL('../../reproduce/dist/cli.js', import.meta.url))
/** Screenshots, downloads and probe records of the last browser test run (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url))

/** A prerequisite of the browser tests is missing; `field` names it (the env variable or path to fix). */
export class BrowserPrerequisiteError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`)
    this.name = 'BrowserPrerequisiteError'
  }
}

export interface Prerequisites {
  /** The lab's `dist/` must exist. */
  readonly lab?: boolean
  /** `apps/reproduce/dist/cli.js` must exist. */
  readonly cli?: boolean
}

/** What stops the browser tests from running here (empty: nothing). */
export function missingPrerequisites(needs: Prerequisites = {}): BrowserPrerequisiteError[] {
  const missing: BrowserPrerequisiteError[] = []
  try {
    accessSync(CHROMIUM, constants.X_OK)
  } catch {
    missing.push(new BrowserPrerequisiteError('CL_CHROMIUM', `${CHROMIUM} is not an executable (apt-get install chromium)`))
  }
  if (needs.lab === true && !existsSync(`${LAB_DIST}index.html`)) {
    missing.push(new BrowserPrerequisiteError('apps/lab/dist', 'the lab is not built (pnpm --filter @cl/lab build)'))
  }
  if (needs.cli === true && !existsSync(CLI)) {
    missing.push(new BrowserPrerequisiteError('apps/reproduce/dist/cli.js', 'the CLI is not built (pnpm turbo run build --filter=@cl/reproduce...)'))
  }
  return missing
}

/**
 * `describe` for tests that drive a real Chromium. Without its prerequisites the suite is skipped, its title saying
 * why — unless `CL_REQUIRE_BROWSER=1`, where it is one failing test naming each missing piece, never a skip.
 */
export function describeBrowser(name: string, needs: Prerequisites, body: () => void): void {
  const missing = missingPrerequisites(needs)
  if (missing.length === 0) {
    describe(name, body)
  } else if (REQUIRE_BROWSER) {
    describe(name, () => {
      it('has chromium and the builds it needs (CL_REQUIRE_BROWSER=1)', () => {
        throw new AggregateError(missing, missing.map((e) => e.message).join('; '))
      })
    })
  } else {
    describe.skip(`${name} — skipped: ${missing.map((e) => e.message).join('; ')}`, body)
  }
}
