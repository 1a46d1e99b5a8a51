import { libraryBuild } from '../../tsup.shared.js'

export default libraryBuild({ entry: ['src/index.ts', 'src/node.ts'] })
