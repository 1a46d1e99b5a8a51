import { z } from 'zod'
import { int, positive, trainSchema } from '../config-parts.js'

const space = z.enum(['box', 'sphere'])
const ratio = z.number().min(0).max(1)
const rate = z.number().gt(0).max(1)

/**
 * Settings of `theory-dc-estimate`: estimate d_c from the gradient spectrum (Lemma 7, Prop. 2, Appx. C) of an untrained
 * bias-free linear encoder on the paper's linear DGP, over true d_c × σ_c/σ_s × draws, plus a batch-size sweep (Lemma 6)
 * and optionally a trained (collapsed) encoder.
 */
export const theoryDcEstimateConfigSchema = z
  .strictObject({
    dims: int(2).describe('d = D: latent, observation and encoder dimensionality (Assum. 1; the paper linear DGP: 8)'),
    sigmaStyle: positive.describe('σ_s: standard deviation of the normal style conditional (latent units; paper/cl-ica: 0.05); > 0'),
    contentDims: z.array(int(0)).min(2).describe('the true d_c swept, each in [0, dims − 1]; must contain 0 (no content) and some d_c ≥ 1'),
    ratios: z
      .array(ratio)
      .min(2)
      .describe('σ_c/σ_s swept (content conditional σ_c = ratio·σ_s), ascending in [0, 1]; must contain 0 (δ content, the paper) and 1 (σ_c = σ_s)'),
    draws: int(1).describe('independent draws per grid point and CLI seed: each draw has its own g, encoder init and batch'),
    batchSize: int(8).describe('N of the main sweep: positive pairs in the one batch the gradient is taken on (M = N − 1 negatives); ≥ 8'),
    spaces: z.array(space).min(1).describe('latent spaces: uniform on the hyperbox [0,1]^d and/or on the sphere S^{d−1}'),
    minGap: positive.describe('estimateContentDims minGap (nats): smallest log-gap of ρ_k that counts as a split; ln 4 ↔ σ_c/σ_s = 1/2'),
    generator: z
      .strictObject({ thresholdDraws: int(1).describe("random matrices drawn to set the linear g's condition-number threshold (cl-ica: 25 000)") })
      .describe('the linear generator g of the paper DGP'),
    batchSweep: z
      .strictObject({
        batchSizes: z.array(int(8)).min(1).describe('N values (each ≥ 8), Lemma 6: larger batches estimate the covariances better'),
        contentDims: z.array(int(1)).min(1).describe('true d_c of the batch sweep, each in [1, dims − 1]'),
        ratios: z.array(ratio).min(1).describe('σ_c/σ_s of the batch sweep, each in [0, 1]'),
      })
      .describe('batch-size sweep at a few settings (same draws and spaces as the main sweep)'),
    example: z
      .strictObject({ contentDims: int(1).describe('true d_c of the example spectrum figure, in [1, dims − 1]') })
      .describe('the example spectrum figure: ρ_k for δ content and for σ_c = σ_s (first draw of each space)'),
    trained: z
      .strictObject({
        contentDims: int(1).describe('true d_c of the trained encoder, in [1, dims − 1] (δ content)'),
        draws: int(1).describe('trained encoders per space: the first draws of the sweep (≤ draws × CLI seeds are used)'),
        train: trainSchema('linear encoder (eq. 4 loss, from the same init as the untrained estimate)'),
      })
      .optional()
      .describe('optional: also estimate d_c on an encoder trained with eq. 4 (collapsed, W near singular); omit to skip'),
    claims: z
      .strictObject({
        accuracyLevel: rate.describe('claim accuracy-up-to: fraction exact ≥ this for every σ_c/σ_s ≤ accuracyUpToRatio and d_c ≥ 1; in (0, 1]'),
        accuracyUpToRatio: ratio.describe('claim accuracy-up-to: the largest σ_c/σ_s where the accuracy level must hold; in [0, 1]'),
        equalSigmaZeroRate: rate.describe('claim equal-sigma-no-split: at σ_c = σ_s the estimate is 0 in at least this fraction of runs; in (0, 1]'),
        literalRate: rate.describe('claim literal-gradient: the singular values of ∂L/∂W recover d_c at σ_c = 0 in at least this fraction of runs; in (0, 1]'),
      })
      .describe('thresholds of the checked claims (fixed before any run)'),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', message, path })
    const below = (path: (string | number)[], k: number, min: number) => {
      if (k < min || k >= c.dims) issue(path, `a d_c in [${min}, ${c.dims - 1}] (dims = ${c.dims}; style must exist)`)
    }
    c.contentDims.forEach((k, i) => below(['contentDims', i], k, 0))
    if (!c.contentDims.includes(0)) issue(['contentDims'], 'a sweep containing 0 (no content: the estimate must be 0)')
    if (!c.contentDims.some((k) => k >= 1)) issue(['contentDims'], 'a sweep containing some d_c ≥ 1')
    if (new Set(c.contentDims).size !== c.contentDims.length) issue(['contentDims'], 'distinct values')
    c.ratios.forEach((r, i) => {
      if (i > 0 && !(r > c.ratios[i - 1]!)) issue(['ratios', i], 'strictly ascending ratios')
    })
    if (!c.ratios.includes(0)) issue(['ratios'], 'a sweep containing 0 (δ content)')
    if (!c.ratios.includes(1)) issue(['ratios'], 'a sweep containing 1 (σ_c = σ_s)')
    if (new Set(c.spaces).size !== c.spaces.length) issue(['spaces'], 'distinct spaces')
    c.batchSweep.contentDims.forEach((k, i) => below(['batchSweep', 'contentDims', i], k, 1))
    below(['example', 'contentDims'], c.example.contentDims, 1)
    if (c.trained !== undefined) below(['trained', 'contentDims'], c.trained.contentDims, 1)
  })

export type TheoryDcEstimateConfig = z.infer<typeof theoryDcEstimateConfigSchema>
