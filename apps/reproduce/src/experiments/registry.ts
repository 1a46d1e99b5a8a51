import { appendixE } from './appendix-e/index.js'
import type { Experiment } from './experiment.js'
import { fig1R2Box, fig1R2Sphere } from './fig1-r2/index.js'
import { fig1Spectrum } from './fig1-spectrum/index.js'
import { fig2 } from './fig2/index.js'
import { table1 } from './table1/index.js'
import { table2 } from './table2/index.js'
import { theoryBatchRank } from './theory-batch-rank/index.js'
import { theoryCollapseOptimal } from './theory-collapse-optimal/index.js'
import { theoryDcEstimate } from './theory-dc-estimate/index.js'
import { theoryDynamics } from './theory-dynamics/index.js'
import { theoryTauHeuristic } from './theory-tau-heuristic/index.js'

/** The experiments `cl-reproduce` can run, in the order `run all` runs them (ids are part of the CLI contract). */
export const EXPERIMENTS: readonly Experiment<any>[] = [
  // §4.1
  fig1Spectrum,
  table1,
  fig1R2Box,
  fig1R2Sphere,
  // Appx. C and D
  theoryDynamics,
  theoryDcEstimate,
  theoryTauHeuristic,
  theoryCollapseOptimal,
  theoryBatchRank,
  // §4.2 and Appx. E (images)
  table2,
  fig2,
  appendixE,
]
