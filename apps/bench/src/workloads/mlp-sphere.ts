import { referenceHiddenWidths } from '@cl/models'
import { mlpWorkload } from './mlp-step.js'

/**
 * mlp-sphere: paper Fig. 1 right at paper scale (`fig1-r2-sphere --preset paper`, variant τ_c = τ_s): sphere DGP with
 * vMF style (κ = 30, the app's choice; the PyTorch reference perturbs with normal noise and re-projects, which costs
 * the same order of work), f as mlp-box ending in the fixed-sphere ℓ2 normalisation, cosine InfoNCE, Adam lr 1e-4.
 */
export const mlpSphere = mlpWorkload({
  name: 'mlp-sphere',
  description: "paper Fig. 1 right: mlp-box's f with ℓ2-normalised output, sphere DGP (vMF style), cosine InfoNCE",
  defaultN: 2048,
  quickN: 16,
  space: 'sphere',
  hiddenWidths: referenceHiddenWidths(10),
  learningRate: 1e-4,
})
