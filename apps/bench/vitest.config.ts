import { packageProject } from '../../vitest.shared.js'

export default packageProject('@cl/bench', { testTimeout: 120_000 })
