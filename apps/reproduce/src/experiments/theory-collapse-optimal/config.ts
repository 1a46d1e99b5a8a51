import { z } from 'zod'
import { int, positive } from '../config-parts.js'

/** Settings of the collapsed-optimum experiment (Props. 1, 4, 5, Corollary 1, Appx. C "Consequences for the optimal loss"). */
export const theoryCollapseOptimalConfigSchema = z
  .strictObject({
    dims: int(2).describe('d: latent, observation and encoder dimensionality (§4.1 linear DGP: 8)'),
    contentDims: z.array(int(1)).min(1).describe('the d_c values evaluated, each in [1, dims − 1] (the paper: d_c > 0)'),
    sigmaStyle: positive.describe('σ_s: standard deviation of the normal style conditional (latent units; cl-ica: 0.05); content is δ'),
    generator: z
      .strictObject({
        thresholdDraws: int(1).describe("random matrices drawn to set g's condition-number threshold (cl-ica: 25 000)"),
        mlpLayers: int(1).describe('layers of the invertible leaky-ReLU MLP g of the nonlinear part (Prop. 1 / 5; paper: 3)'),
      })
      .describe('the generators g: the linear one (A) and the invertible MLP of the nonlinear part'),
    batchSize: int(2).describe('N = M + 1 samples per evaluation batch: eq. 4 per anchor with the M = N − 1 negatives j ≠ i'),
    evalBatches: int(1).describe('independent evaluation batches averaged per loss value (≥ 1)'),
    scales: z
      .strictObject({
        min: positive.describe('smallest content scale s of the log grid (> 0)'),
        max: positive.describe('largest content scale s of the log grid (> min)'),
        perDecade: int(1).describe('grid points per decade of s (≥ 1)'),
      })
      .describe('the log grid of s for D_s = diag(s·1_{d_c}, 0_{d_s}) and diag(s·1_{d_c}, 1_{d_s})'),
    gradientScales: z.array(positive).min(1).describe('content scales s at which the gradient ranks (Prop. 5) are measured, each > 0'),
    r2Samples: int(8).describe('fresh samples for the content/style R² along the path (half fit, half held out)'),
    claims: z
      .strictObject({
        monotoneTolerance: z.number().min(0).describe('monotone: L(s_{k+1}) ≤ L(s_k) + this (float64 loss; ≥ 0)'),
        infimumMax: positive.describe('infimum: L(D_{s_max}·A⁻¹) ≤ this (eq. 4 has infimum 0)'),
        w0RelativeTolerance: positive.describe('W = 0: |L(0) − log(M+1)| ≤ this · log(M+1) (float32 library loss)'),
        styleR2Max: positive.describe('collapsed path: held-out adjusted style R² ≤ this at every s'),
        contentR2Min: z.number().max(1).describe('collapsed path: held-out adjusted content R² ≥ this at every s (≤ 1)'),
        rankTolerance: positive.describe('numerical rank: singular values σ_k > this · σ_1 count (relative tolerance)'),
        float32MaxScale: positive.describe('float32 check: the library (float32) loss is compared with float64 for s ≤ this'),
        float32Tolerance: positive.describe('float32 check: |L_float32 − L_float64| ≤ this for s ≤ float32MaxScale'),
      })
      .describe('thresholds of the checked claims (fixed before any run)'),
  })
  .superRefine((c, ctx) => {
    c.contentDims.forEach((k, i) => {
      if (k >= c.dims) ctx.addIssue({ code: 'custom', message: `every d_c < dims = ${c.dims} (style must exist)`, path: ['contentDims', i] })
    })
    if (!(c.scales.max > c.scales.min)) ctx.addIssue({ code: 'custom', message: `max > min = ${c.scales.min}`, path: ['scales', 'max'] })
  })

export type TheoryCollapseOptimalConfig = z.infer<typeof theoryCollapseOptimalConfigSchema>
