import { z } from 'zod'
import { int, positive, trainSchema } from '../config-parts.js'
import { adaptiveTauSchema } from './adaptive.js'

/** Settings of one latent space (box or sphere) of the linear experiment. */
export const fig1SpectrumSpaceSchema = z
  .strictObject({
    sigma: positive.describe('σ_s: standard deviation of the normal style conditional (latent units; truncated to the box, re-projected on the sphere)'),
    train: trainSchema('linear encoder'),
  })
  .describe('run this space (omit to skip it)')

export const fig1SpectrumConfigSchema = z
  .strictObject({
    dims: int(2).describe('d: latent, observation and encoder dimensionality (§4.1 linear DGP: 8)'),
    contentDims: z.array(int(0)).min(2).describe('the d_c sweep trained with δ content and τ_c = τ_s; must contain 0 (the uncollapsed reference)'),
    tauStyle: positive.describe('τ_s: temperature of the style outputs (and of all outputs when τ_c = τ_s); > 0'),
    prop3: z
      .strictObject({
        contentDims: int(1).describe('d_c of the temperature runs (Prop. 3), < dims'),
        contentSigma: positive.describe('σ_c: small content perturbation of the temperature runs (latent units; paper DGP only)'),
        tauContent: positive.describe("τ_c of the temperature runs: temperature of the encoder's first d_c outputs; > 0"),
      })
      .describe('the temperature runs (Prop. 3, Appx. C): σ_c content trained with τ_c = τ_s and with τ_c, plus a δ control'),
    generator: z
      .strictObject({ thresholdDraws: int(1).describe("random matrices drawn to set the linear g's condition-number threshold (cl-ica: 25 000)") })
      .describe('the linear generator g of the paper DGP (ignored with --dgp)'),
    spaces: z
      .strictObject({ box: fig1SpectrumSpaceSchema.optional(), sphere: fig1SpectrumSpaceSchema.optional() })
      .describe('which latent spaces to run, each with its own σ_s and training'),
    adaptive: adaptiveTauSchema
      .optional()
      .describe("the adaptive-τ run: the Prop. 3 σ_c run trained with τ from createAdaptiveTemperature instead of the fixed τ_c (sphere: w/o ℓ2-norm); omit or enabled = false to skip"),
    claims: z
      .strictObject({
        referenceFlat: positive.describe('precondition: the d_c = 0 style block of W·A_g (mean of the d − 1 smallest normalised σ) is at least this'),
        collapseMargin: positive.describe('collapse: the style block of W·A_g is at least this below the d_c = 0 one'),
        collapsedDistance: positive.describe("without τ_c: the σ_c run's W spectrum is at least this far (mean |Δσ|) from the d_c = 0 one"),
        matchTolerance: positive.describe("with τ_c (fixed, and adaptive): the σ_c run's W spectrum is within this distance (mean |Δσ|) of the d_c = 0 one"),
      })
      .describe('thresholds of the checked claims'),
  })
  .superRefine((c, ctx) => {
    if (!c.contentDims.includes(0)) ctx.addIssue({ code: 'custom', message: 'a d_c sweep containing 0 (the uncollapsed reference)', path: ['contentDims'] })
    c.contentDims.forEach((k, i) => {
      if (k >= c.dims) ctx.addIssue({ code: 'custom', message: `every d_c < dims = ${c.dims} (style must exist)`, path: ['contentDims', i] })
    })
    if (c.prop3.contentDims >= c.dims) ctx.addIssue({ code: 'custom', message: `d_c < dims = ${c.dims} (style must exist)`, path: ['prop3', 'contentDims'] })
    if (c.adaptive !== undefined && c.adaptive.floor > c.tauStyle) ctx.addIssue({ code: 'custom', message: `floor ≤ tauStyle = ${c.tauStyle}`, path: ['adaptive', 'floor'] })
    if (c.spaces.box === undefined && c.spaces.sphere === undefined) ctx.addIssue({ code: 'custom', message: 'at least one of box, sphere', path: ['spaces'] })
  })

export type Fig1SpectrumConfig = z.infer<typeof fig1SpectrumConfigSchema>
