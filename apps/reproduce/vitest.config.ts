import { readFileSync } from 'node:fs'
import { mergeConfig } from 'vitest/config'
import { packageProject } from '../../vitest.shared.js'

// A `--dgp` module may live outside the app (examples/, a temp dir): the built CLI re-resolves its `@cl/*` and
// `@tensorflow/*` imports with Node resolve hooks (src/dgp/resolve-hooks.ts). Tests run from source through vitest's
// own resolver, where `dedupe` does the same: the app's own copies of these packages, one tfjs engine.
const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string> | undefined>
const shared = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter((name) => /^@(?:cl|tensorflow)\//.test(name))

// Figures in tests are made as the CLI makes them (resvg text widths and PNGs): src/node-renderers.test-setup.ts.
export default mergeConfig(packageProject('@cl/reproduce', { testTimeout: 120_000 }), {
  resolve: { dedupe: shared },
  test: { setupFiles: ['./src/node-renderers.test-setup.ts'] },
})
