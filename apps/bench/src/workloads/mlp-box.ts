import { contentStyleTau } from '@cl/infonce'
import { createMlpEncoder, referenceHiddenWidths } from '@cl/models'
import { encoderWorkload } from './mlp-step.js'
import { paperDgp } from './paper-dgp.js'
import type { Workload } from './workload.js'

const DIMS = 10
const CONTENT_DIMS = 2
const HIDDEN = referenceHiddenWidths(DIMS)

/**
 * mlp-box: paper Fig. 1 middle at paper scale (`fig1-r2-box --preset paper`): d = 10, d_c = 2, σ = 0.05, g = 3-layer
 * invertible MLP, f = 10-100-500-500-500-500-100-10 leaky ReLU (He-uniform, as the app's preset), Lp-InfoNCE (p = 2,
 * all-ones τ vector), Adam lr 1e-4. torch_reference.py `--workload mlp-box` (N = 2048 in the table).
 */
export const mlpBox: Workload = {
  name: 'mlp-box',
  description: 'paper Fig. 1 middle: f = 10-100-500-500-500-500-100-10, box DGP, Lp-InfoNCE, Adam lr 1e-4',
  defaultN: 2048,
  quickN: 16,
  shape: { dims: DIMS, hiddenWidths: HIDDEN },
  build({ n, seed, thresholdDraws }) {
    const dgp = paperDgp({ space: 'box', dims: DIMS, contentDims: CONTENT_DIMS, sigma: 0.05, kappa: 30, generator: 'mlp', thresholdDraws, seed })
    const encoder = createMlpEncoder({ inputDim: DIMS, hiddenWidths: HIDDEN, weightInit: 'heUniform', seed, name: 'bench-mlp-box' })
    const tau = contentStyleTau({ dims: DIMS, contentDims: CONTENT_DIMS, tauContent: 1, tauStyle: 1 })
    return encoderWorkload({ space: 'box', encoder, dgp, n, seed, tau, learningRate: 1e-4 })
  },
}
