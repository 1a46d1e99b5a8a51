import { contentStyleTau } from '@cl/infonce'
import { createMlpEncoder } from '@cl/models'
import { encoderWorkload } from './mlp-step.js'
import { paperDgp } from './paper-dgp.js'
import type { Workload } from './workload.js'

const DIMS = 10
const CONTENT_DIMS = 2
const HIDDEN = [40, 100, 100, 100, 100, 40]

/**
 * quick-mlp: the quick preset's `fig1-r2-box` step (apps/reproduce `fig1-r2/presets.ts`, variant τ_c = τ_s): d = 10,
 * d_c = 2, σ = 0.05, g = 3-layer invertible MLP, f = 10-40-100-100-100-100-40-10 leaky ReLU with He-uniform init,
 * Lp-InfoNCE (p = 2) with the all-ones τ vector, Adam lr 3e-3, N = 256. torch_reference.py `--workload quick-mlp`.
 */
export const quickMlp: Workload = {
  name: 'quick-mlp',
  description: "the quick preset's fig1-r2-box step: f = 10-40-100-100-100-100-40-10 (He init), Lp-InfoNCE, Adam lr 3e-3",
  defaultN: 256,
  quickN: 32,
  shape: { dims: DIMS, hiddenWidths: HIDDEN },
  build({ n, seed, thresholdDraws }) {
    const dgp = paperDgp({ space: 'box', dims: DIMS, contentDims: CONTENT_DIMS, sigma: 0.05, kappa: 30, generator: 'mlp', thresholdDraws, seed })
    const encoder = createMlpEncoder({ inputDim: DIMS, hiddenWidths: HIDDEN, weightInit: 'heUniform', seed, name: 'bench-quick-mlp' })
    const tau = contentStyleTau({ dims: DIMS, contentDims: CONTENT_DIMS, tauContent: 1, tauStyle: 1 })
    return encoderWorkload({ space: 'box', encoder, dgp, n, seed, tau, learningRate: 3e-3 })
  },
}
