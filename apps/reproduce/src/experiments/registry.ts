import type { Experiment } from './experiment.js'

/**
 * The experiments `cl-reproduce` can run, in the order `run all` runs them. Later issues add the paper's synthetic
 * experiments (fig1-spectrum, table1, fig1-r2-box, fig1-r2-sphere) here.
 */
export const EXPERIMENTS: readonly Experiment<any>[] = []
