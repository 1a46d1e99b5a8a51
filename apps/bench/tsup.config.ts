import { libraryBuild } from '../../tsup.shared.js'

// One entry, the CLI (shebang kept); no declarations: the bench is an application, not a library.
export default libraryBuild({ entry: { cli: 'src/cli.ts', 'conv-step': 'src/conv-step.ts' }, dts: false })
