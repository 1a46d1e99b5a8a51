import { register } from 'node:module'
import type { DgpHooksData } from './resolve-hooks.js'

let registered = false

/**
 * Register the `--dgp` resolve hooks (`dist/dgp-hooks.js`) once per process. From the built CLI, `import.meta.url`
 * is a file of dist/, beside the hooks entry. Run from TypeScript sources (tests) there is no compiled hooks file:
 * the test runner resolves modules itself (vitest's `resolve.dedupe` plays the hooks' part), so nothing is registered.
 * Returns whether the hooks are active.
 */
export function registerDgpHooks(): boolean {
  if (registered) return true
  const here = import.meta.url
  if (here.endsWith('.ts')) return false
  const hooks = new URL('./dgp-hooks.js', here)
  const data: DgpHooksData = { cliUrl: here, cliRoot: new URL('../', hooks).href }
  register(hooks, { data })
  registered = true
  return true
}
