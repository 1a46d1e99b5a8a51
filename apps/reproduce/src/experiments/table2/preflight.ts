import { preflightImages } from '../images/preflight.js'
import { checkTemperature } from '../temperature-check.js'
import type { Table2Config } from './config.js'

/** The data is there and every τ survives float32. */
export function preflightTable2(config: Table2Config): void {
  preflightImages(config)
  checkTemperature('config.tau', config.tau)
  checkTemperature('config.diffTau.first', config.diffTau.first)
  checkTemperature('config.diffTau.rest', config.diffTau.rest)
}
