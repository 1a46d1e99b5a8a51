import { mlpWorkload } from './mlp-step.js'

/**
 * quick-mlp: the quick preset's `fig1-r2-box` step (apps/reproduce `fig1-r2/presets.ts`, variant τ_c = τ_s):
 * f = 10-40-100-100-100-100-40-10, Lp-InfoNCE (p = 2), Adam lr 3e-3, N = 256. torch_reference.py `--workload quick-mlp`.
 */
export const quickMlp = mlpWorkload({
  name: 'quick-mlp',
  description: "the quick preset's fig1-r2-box step: f = 10-40-100-100-100-100-40-10 (He init), Lp-InfoNCE, Adam lr 3e-3",
  defaultN: 256,
  quickN: 32,
  space: 'box',
  hiddenWidths: [40, 100, 100, 100, 100, 40],
  learningRate: 3e-3,
})
