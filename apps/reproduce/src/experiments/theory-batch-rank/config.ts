import { z } from 'zod'
import { int, positive, trainSchema } from '../config-parts.js'

export const theoryBatchRankConfigSchema = z
  .strictObject({
    dims: int(2).describe('d: latent, observation and encoder dimensionality (§4.1 linear DGP: 8)'),
    sigmaStyle: positive.describe('σ_s: standard deviation of the (box-truncated) normal style conditional, latent units; > 0 (paper: 0.05)'),
    generator: z
      .strictObject({ thresholdDraws: int(1).describe("random matrices drawn to set the linear g's condition-number threshold (cl-ica: 25 000)") })
      .describe('the linear generator g of the paper DGP'),
    rank: z
      .strictObject({
        contentDims: z.array(int(0)).min(1).describe('d_c values (δ content) of the rank sweep; each < dims'),
        batchSizes: z.array(int(2)).min(1).describe('batch sizes N = M + 1 of the rank sweep; each ≥ 2'),
        batches: int(1).describe('independent batches per (d_c, N); ≥ 1'),
        scale: positive.describe('the gradient is taken at W = scale·A⁻¹ (A = the DGP matrix g); > 0'),
        tolerance: positive.describe('numerical rank: singular values above tolerance·σ_1 count (float64 gradient); in (0, 1)'),
      })
      .describe('Part A: numerical rank of ∂L/∂W vs batch size (Lemma 6), no training'),
    conditioning: z
      .strictObject({
        contentDims: int(0).describe('d_c of the conditioning sweep; < dims'),
        batchSizes: z.array(int(2)).min(2).describe('ascending batch sizes N > dims of the conditioning sweep (Ŝ_x has rank N − 1, so N ≥ d + 1 for a finite condition number)'),
        batches: int(1).describe('independent batches per N; ≥ 1'),
      })
      .describe('Part A: condition number of ∂L/∂W and of the covariance estimate Ŝ_x vs batch size'),
    collapse: z
      .strictObject({
        contentDims: int(1).describe('d_c of the trained runs (δ content); 1 ≤ d_c < dims'),
        tau: positive.describe('τ = τ_c = τ_s of the Lp-InfoNCE (p = 2) the encoder is trained with; > 0'),
        batchSizes: z.array(int(2)).min(2).describe('ascending training batch sizes (the same steps for each)'),
        train: trainSchema('linear encoder').omit({ batchSize: true }).describe('optimisation of each linear encoder (Adam, PyTorch defaults); the batch size comes from batchSizes'),
      })
      .describe('Part B: collapse strength (style block of W·A_g) vs training batch size'),
  })
  .superRefine((c, ctx) => {
    c.rank.contentDims.forEach((k, i) => {
      if (k >= c.dims) ctx.addIssue({ code: 'custom', message: `every d_c < dims = ${c.dims}`, path: ['rank', 'contentDims', i] })
    })
    if (c.rank.tolerance >= 1) ctx.addIssue({ code: 'custom', message: 'a tolerance in (0, 1)', path: ['rank', 'tolerance'] })
    if (c.conditioning.contentDims >= c.dims) ctx.addIssue({ code: 'custom', message: `d_c < dims = ${c.dims}`, path: ['conditioning', 'contentDims'] })
    c.conditioning.batchSizes.forEach((n, i) => {
      if (n <= c.dims) ctx.addIssue({ code: 'custom', message: `N > dims = ${c.dims} (Ŝ_x has rank N − 1: a finite condition number needs N ≥ d + 1)`, path: ['conditioning', 'batchSizes', i] })
      if (i > 0 && n <= c.conditioning.batchSizes[i - 1]!) ctx.addIssue({ code: 'custom', message: 'strictly ascending batch sizes', path: ['conditioning', 'batchSizes', i] })
    })
    if (c.collapse.contentDims >= c.dims) ctx.addIssue({ code: 'custom', message: `d_c < dims = ${c.dims} (style must exist)`, path: ['collapse', 'contentDims'] })
    c.collapse.batchSizes.forEach((n, i) => {
      if (i > 0 && n <= c.collapse.batchSizes[i - 1]!) ctx.addIssue({ code: 'custom', message: 'strictly ascending batch sizes', path: ['collapse', 'batchSizes', i] })
    })
  })

export type TheoryBatchRankConfig = z.infer<typeof theoryBatchRankConfigSchema>
