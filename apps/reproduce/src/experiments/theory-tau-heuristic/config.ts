import { z } from 'zod'
import { int, positive, trainSchema } from '../config-parts.js'

/**
 * Config of the Prop. 3 temperature sweep (Appx. C eq. 16–18): for each σ_c/σ_s, train the linear encoder with
 * τ_c on a grid (τ_s fixed) and find the τ_c whose W has the flattest spectrum (closest to the d_c = 0 reference).
 */
export const theoryTauHeuristicConfigSchema = z
  .strictObject({
    dims: int(2).describe('d: latent, observation and encoder dimensionality (§4.1 linear DGP: 8)'),
    contentDims: int(1).describe("d_c: content latents, and the encoder's first d_c outputs that get τ_c; 1 ≤ d_c < dims"),
    sigmaStyle: positive.describe('σ_s: standard deviation of the normal style conditional (latent units, truncated to the box); > 0'),
    ratios: z
      .array(z.number().positive().lt(1))
      .min(1)
      .describe('the σ_c/σ_s values swept (σ_c = ratio·σ_s, the normal content conditional of Appx. C); each in (0, 1), distinct to 3 significant digits (Assum. 4: σ_c ≪ σ_s)'),
    tauStyle: positive.describe('τ_s: temperature of the style outputs (Prop. 3 takes τ_s = 1); > 0'),
    tauContents: z
      .array(positive)
      .min(3)
      .describe('the τ_c grid (logit temperature of the first d_c outputs: squared distances are divided by τ_k); distinct, ≥ 3 values, must contain τ_s'),
    generator: z
      .strictObject({ thresholdDraws: int(1).describe("random matrices drawn to set the linear g's condition-number threshold (cl-ica: 25 000)") })
      .describe('the linear generator g of the paper DGP'),
    train: trainSchema('linear encoder'),
    claims: z
      .strictObject({
        referenceFlat: positive.describe('precondition: the d_c = 0 style block of W·A_g (mean of the d − 1 smallest normalised σ) is at least this'),
        readingFactor: z.number().gt(1).describe('F: a reading of Prop. 3 holds when the flattest τ_c is within a factor F of it (|ln τ* − ln τ_reading| ≤ ln F); > 1'),
        restoreMargin: positive.describe("the flattest run's W is at least this much closer (mean |Δσ|) to the d_c = 0 reference than the τ_c = τ_s run's"),
      })
      .describe('thresholds of the checked claims (fixed before running)'),
  })
  .superRefine((c, ctx) => {
    if (c.contentDims >= c.dims) ctx.addIssue({ code: 'custom', message: `d_c < dims = ${c.dims} (style must exist)`, path: ['contentDims'] })
    // Claim ids name a ratio by 3 significant digits, so ratios must differ there.
    const label = (r: number) => Number(r.toPrecision(3))
    c.ratios.forEach((r, i) => {
      if (c.ratios.findIndex((q) => label(q) === label(r)) !== i) ctx.addIssue({ code: 'custom', message: 'ratios distinct in their first 3 significant digits (claim ids name them so)', path: ['ratios', i] })
    })
    c.tauContents.forEach((t, i) => {
      if (c.tauContents.indexOf(t) !== i) ctx.addIssue({ code: 'custom', message: 'distinct τ_c values', path: ['tauContents', i] })
    })
    if (!c.tauContents.includes(c.tauStyle)) ctx.addIssue({ code: 'custom', message: `a τ_c grid containing τ_s = ${c.tauStyle} (the τ_c = τ_s baseline)`, path: ['tauContents'] })
  })

export type TheoryTauHeuristicConfig = z.infer<typeof theoryTauHeuristicConfigSchema>
