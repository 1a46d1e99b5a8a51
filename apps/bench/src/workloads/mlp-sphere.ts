import { contentStyleTau } from '@cl/infonce'
import { createMlpEncoder, referenceHiddenWidths } from '@cl/models'
import { encoderWorkload } from './mlp-step.js'
import { paperDgp } from './paper-dgp.js'
import type { Workload } from './workload.js'

const DIMS = 10
const CONTENT_DIMS = 2
const HIDDEN = referenceHiddenWidths(DIMS)

/**
 * mlp-sphere: paper Fig. 1 right at paper scale (`fig1-r2-sphere --preset paper`, variant τ_c = τ_s): sphere DGP with
 * vMF style (κ = 30, the app's choice; the PyTorch reference perturbs with normal noise and re-projects, which costs
 * the same order of work), f as mlp-box ending in the fixed-sphere ℓ2 normalisation, cosine InfoNCE, Adam lr 1e-4.
 */
export const mlpSphere: Workload = {
  name: 'mlp-sphere',
  description: 'paper Fig. 1 right: mlp-box\'s f with ℓ2-normalised output, sphere DGP (vMF style), cosine InfoNCE',
  defaultN: 2048,
  quickN: 16,
  shape: { dims: DIMS, hiddenWidths: HIDDEN },
  build({ n, seed, thresholdDraws }) {
    const dgp = paperDgp({ space: 'sphere', dims: DIMS, contentDims: CONTENT_DIMS, sigma: 0.05, kappa: 30, generator: 'mlp', thresholdDraws, seed })
    const encoder = createMlpEncoder({ inputDim: DIMS, hiddenWidths: HIDDEN, weightInit: 'heUniform', outputNormalization: 'fixedSphere', seed, name: 'bench-mlp-sphere' })
    const tau = contentStyleTau({ dims: DIMS, contentDims: CONTENT_DIMS, tauContent: 1, tauStyle: 1 })
    return encoderWorkload({ space: 'sphere', encoder, dgp, n, seed, tau, learningRate: 1e-4 })
  },
}
