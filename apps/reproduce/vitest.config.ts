import { packageProject } from '../../vitest.shared.js'

export default packageProject('@cl/reproduce', { testTimeout: 120_000 })
