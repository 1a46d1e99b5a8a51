import { libraryBuild } from '../../tsup.shared.js'

// Four entries, dependencies external: the CLI (shebang), the programmatic API (`import … from '@cl/reproduce'`, with
// declarations), the browser-safe experiments (`@cl/reproduce/browser`, with declarations; the lab bundles it) and the
// `--dgp` resolve hooks, which Node loads by file on its hooks thread (`dist/dgp-hooks.js`).
export default libraryBuild({
  entry: { cli: 'src/cli.ts', api: 'src/api.ts', browser: 'src/browser.ts', 'dgp-hooks': 'src/dgp/resolve-hooks.ts' },
  dts: { entry: { api: 'src/api.ts', browser: 'src/browser.ts' } },
})
