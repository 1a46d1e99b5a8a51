import type { Experiment } from './experiment.js'
import { table1 } from './table1.js'

/** The experiments `cl-reproduce` can run, in the order `run all` runs them. */
export const EXPERIMENTS: readonly Experiment<any>[] = [table1]
