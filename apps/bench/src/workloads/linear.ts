import { contentStyleTau } from '@cl/infonce'
import { createLinearEncoder } from '@cl/models'
import { encoderWorkload } from './mlp-step.js'
import { paperDgp } from './paper-dgp.js'
import type { Workload } from './workload.js'

const DIMS = 8
const CONTENT_DIMS = 2

/**
 * linear: paper Fig. 1 left at paper scale (`fig1-spectrum --preset paper`, box): d = 8, d_c = 2, σ = 0.05, linear
 * generator g, bias-free linear encoder f(x) = W x, Lp-InfoNCE (p = 2, all-ones τ vector), Adam lr 1e-4.
 * torch_reference.py `--workload linear` (N = 6144 in the table).
 */
export const linear: Workload = {
  name: 'linear',
  description: 'paper Fig. 1 left: d = 8, linear g, bias-free linear f, Lp-InfoNCE, Adam lr 1e-4',
  defaultN: 6144,
  quickN: 64,
  shape: { dims: DIMS, hiddenWidths: [] },
  build({ n, seed, thresholdDraws }) {
    const dgp = paperDgp({ space: 'box', dims: DIMS, contentDims: CONTENT_DIMS, sigma: 0.05, kappa: 30, generator: 'linear', thresholdDraws, seed })
    const encoder = createLinearEncoder({ inputDim: DIMS, seed, name: 'bench-linear' })
    const tau = contentStyleTau({ dims: DIMS, contentDims: CONTENT_DIMS, tauContent: 1, tauStyle: 1 })
    return encoderWorkload({ space: 'box', encoder, dgp, n, seed, tau, learningRate: 1e-4 })
  },
}
