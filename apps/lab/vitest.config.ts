import { mergeConfig } from 'vitest/config'
import { packageProject } from '../../vitest.shared.js'

/**
 * The lab's tests: unit tests next to the sources (`src/**`) and the browser tests (`test/**`, Playwright driving
 * Debian's chromium against the built app; `test/browser-env.ts` says when they run).
 */
export default mergeConfig(packageProject('@cl/lab', { testTimeout: 60_000 }), { test: { include: ['test/**/*.test.ts'] } })
