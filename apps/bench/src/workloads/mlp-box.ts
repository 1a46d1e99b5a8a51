import { referenceHiddenWidths } from '@cl/models'
import { mlpWorkload } from './mlp-step.js'

/**
 * mlp-box: paper Fig. 1 middle at paper scale (`fig1-r2-box --preset paper`): f = 10-100-500-500-500-500-100-10,
 * Lp-InfoNCE (p = 2), Adam lr 1e-4. torch_reference.py `--workload mlp-box` (N = 2048 in the table).
 */
export const mlpBox = mlpWorkload({
  name: 'mlp-box',
  description: 'paper Fig. 1 middle: f = 10-100-500-500-500-500-100-10, box DGP, Lp-InfoNCE, Adam lr 1e-4',
  defaultN: 2048,
  quickN: 16,
  space: 'box',
  hiddenWidths: referenceHiddenWidths(10),
  learningRate: 1e-4,
})
