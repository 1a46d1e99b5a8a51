import { libraryBuild } from '../../tsup.shared.js'

// The CLI is an application: one ESM entry with a shebang, no declarations; dependencies stay external.
export default libraryBuild({ entry: ['src/cli.ts'], dts: false })
