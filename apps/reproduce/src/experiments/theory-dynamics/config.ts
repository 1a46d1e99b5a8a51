import { z } from 'zod'
import { int, positive } from '../config-parts.js'

export const theoryDynamicsConfigSchema = z
  .strictObject({
    dims: int(2).describe('d: latent, observation and encoder dimensionality (§4.1 linear DGP: 8)'),
    contentDims: int(0).describe('d_c: the first d_c latents are content with a δ conditional; 0 ≤ d_c < dims'),
    sigmaStyle: positive.describe('σ_s: standard deviation of the (box-truncated) normal style conditional, latent units; > 0 (paper: 0.05)'),
    negatives: z
      .array(int(1))
      .min(2)
      .describe('the sweep of the number of negatives M (ascending, each ≥ 1); each batch has N = M + 1 pairs'),
    batches: int(1).describe('independent batches per M (errors are averaged over batches and seeds); ≥ 1'),
    scales: z.array(positive).min(2).describe('W = s·A⁻¹ for each scale s > 0 (at least two) (A = the DGP matrix g); small s makes the softmax weights α uniform'),
    randomInit: z.boolean().describe("also evaluate at the linear encoder's random initialisation W (PyTorch U(±1/√d), where training starts)"),
    generator: z
      .strictObject({ thresholdDraws: int(1).describe("random matrices drawn to set the linear g's condition-number threshold (cl-ica: 25 000)") })
      .describe('the linear generator g of the paper DGP'),
    claims: z
      .strictObject({
        maxErrorAtLargest: positive.describe('limit claims: the mean relative error at the largest M (smallest scale) is at most this'),
        minImprovement: positive.describe('limit claims: the mean relative error at the smallest M is at least this factor above the one at the largest M'),
        batchReadingTolerance: positive.describe('with the batch covariance estimates the relative error at the smallest scale is at most this at every M'),
      })
      .describe('thresholds of the checked claims (fixed before any run)'),
  })
  .superRefine((c, ctx) => {
    if (c.contentDims >= c.dims) ctx.addIssue({ code: 'custom', message: `d_c < dims = ${c.dims} (style must exist)`, path: ['contentDims'] })
    c.negatives.forEach((m, i) => {
      if (i > 0 && m <= c.negatives[i - 1]!) ctx.addIssue({ code: 'custom', message: 'strictly ascending values of M', path: ['negatives', i] })
    })
  })

export type TheoryDynamicsConfig = z.infer<typeof theoryDynamicsConfigSchema>
