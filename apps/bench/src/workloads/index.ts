import { linear } from './linear.js'
import { lossOnly } from './loss-only.js'
import { mlpBox } from './mlp-box.js'
import { mlpSphere } from './mlp-sphere.js'
import { quickMlp } from './quick-mlp.js'
import type { Workload, WorkloadName } from './workload.js'

/** Every workload by name, in the order `pnpm bench` runs them. */
export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  'quick-mlp': quickMlp,
  'loss-only': lossOnly,
  linear,
  'mlp-box': mlpBox,
  'mlp-sphere': mlpSphere,
}
