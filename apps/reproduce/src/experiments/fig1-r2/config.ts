import { z } from 'zod'
import { int, mlpGeneratorSchema, positive, trainSchema } from '../config-parts.js'
import { WEIGHT_INITS } from '@cl/models'
import { adaptiveTauSchema } from '../fig1-spectrum/adaptive.js'


/** One trained encoder of the figure: a τ_c setting, with or without the ℓ2-normalisation, optionally its own d_c. */
export const fig1R2VariantSchema = z.strictObject({
  name: z.string().min(1).describe('legend label of this variant, e.g. "τ_c = τ_s"'),
  tauContent: positive.describe("τ_c: temperature of the encoder's first d_c outputs (τ_s for the rest); > 0, float32-normal"),
  normalize: z.boolean().describe('ℓ2-normalise the encoder output (sphere only); false is the paper\'s "removing the ℓ2-normalization"'),
  contentDims: int(0).optional().describe("d_c of this variant's DGP (default: the experiment's contentDims); 0 makes the no-content control"),
})

export const fig1R2ConfigSchema = z
  .strictObject({
    dims: int(2).describe('d: latent, observation and encoder output dimensionality (§4.1: 10)'),
    contentDims: int(1).describe('d_c: content dimensions (δ conditional), < dims; the rest are style'),
    sigma: positive.describe('σ_s: standard deviation of the normal style conditional on the box (latent units)'),
    kappa: positive.describe('κ: concentration of the von Mises–Fisher style conditional on the sphere'),
    tauStyle: positive.describe('τ_s: temperature of the style outputs (and of all outputs when τ_c = τ_s); > 0'),
    generator: mlpGeneratorSchema,
    encoder: z
      .strictObject({
        hiddenWidths: z.array(int(1)).min(1).describe('hidden layer widths of the MLP encoder f (paper: 10d-50d-50d-50d-50d-10d)'),
        weightInit: z
          .enum(WEIGHT_INITS as ['pytorch', 'heUniform'])
          .describe("weight init of f: 'heUniform' trains the deep leaky-ReLU stack; PyTorch's default stalls at a rank-2 output"),
      })
      .describe('the encoder f whose layers are probed'),
    train: trainSchema('encoder'),
    evalSamples: int(16).describe('samples of the layer-wise probe; half fit the regressions, half score them (held out)'),
    variants: z
      .array(fig1R2VariantSchema)
      .min(3)
      .describe('trained encoders: first τ_c = τ_s (the collapse), one with contentDims 0 (the control), last the fix'),
    adaptive: adaptiveTauSchema
      .extend({ name: z.string().min(1).describe('legend label of the adaptive-τ variant (distinct from the variants\' names)') })
      .optional()
      .describe("the adaptive-τ variant: trained like the last variant (the fix: d_c, normalisation) with τ from createAdaptiveTemperature (Prop. 2 + 3 during training) in place of its fixed τ_c; omit or enabled = false to skip"),
    claims: z
      .strictObject({
        controlLearns: z
          .number()
          .min(0)
          .max(1)
          .describe('precondition: the d_c = 0 control reaches at least this output style R² (0–1)'),
        lastLayerDrop: positive.describe('collapse: best hidden − output style R² exceeds the control\'s drop by at least this'),
        improvement: positive.describe("alleviated: the fix's (and the adaptive variant's) output style R² exceeds the τ_c = τ_s one by at least this"),
        spectrumMargin: positive.describe('spectrum view (§4.2): the style block of the output spectrum is at least this below the control\'s'),
      })
      .describe('thresholds of the checked claims'),
  })
  .superRefine((c, ctx) => {
    if (c.contentDims >= c.dims) ctx.addIssue({ code: 'custom', message: `contentDims < dims = ${c.dims} (style must exist)`, path: ['contentDims'] })
    c.variants.forEach((v, i) => {
      if (v.contentDims !== undefined && v.contentDims >= c.dims) {
        ctx.addIssue({ code: 'custom', message: `contentDims < dims = ${c.dims} (style must exist)`, path: ['variants', i, 'contentDims'] })
      }
    })
    if (c.adaptive !== undefined && c.variants.some((v) => v.name === c.adaptive!.name)) ctx.addIssue({ code: 'custom', message: "a name no variant has", path: ['adaptive', 'name'] })
    if (c.adaptive !== undefined && c.adaptive.floor > c.tauStyle) ctx.addIssue({ code: 'custom', message: `floor ≤ tauStyle = ${c.tauStyle}`, path: ['adaptive', 'floor'] })
    if (!c.variants.some((v) => v.contentDims === 0)) ctx.addIssue({ code: 'custom', message: 'a control variant with contentDims 0', path: ['variants'] })
  })

export type Fig1R2Config = z.infer<typeof fig1R2ConfigSchema>
export type Fig1R2Variant = Fig1R2Config['variants'][number]

/** Legend names of the trained encoders, in figure order: the variants, then the adaptive-τ variant where enabled. */
export function variantNames(config: Fig1R2Config): string[] {
  return [...config.variants.map((v) => v.name), ...(config.adaptive?.enabled === true ? [config.adaptive.name] : [])]
}
