import { z } from 'zod'
import { int, mlpGeneratorSchema, positive, trainSchema } from '../config-parts.js'


export const table1ConfigSchema = z
  .strictObject({
    dims: int(2).describe('d: latent, observation and encoder output dimensionality (§4.1: 10)'),
    tau: positive.describe('τ: the scalar temperature of both losses (Table 1 was computed with τ = 1); > 0'),
    evalSamples: int(16).describe('samples of the fixed evaluation batch the losses are computed on (paper: 10 000)'),
    generator: mlpGeneratorSchema,
    box: z
      .strictObject({
        contentDims: int(1).describe('d_c on the hyperbox (paper: 2), < dims'),
        sigma: positive.describe('σ_s: standard deviation of the normal style conditional on the box (latent units)'),
      })
      .describe('the hyperbox DGP, trained with the Lp InfoNCE (p = 2)'),
    sphere: z
      .strictObject({
        contentDims: int(1).describe('d_c on the hypersphere (paper: 1), < dims'),
        kappa: positive.describe('κ: concentration of the von Mises–Fisher style conditional'),
      })
      .describe('the hypersphere DGP, trained with the cosine InfoNCE on ℓ2-normalised outputs'),
    encoder: z
      .strictObject({ hiddenWidths: z.array(int(1)).min(1).describe('hidden layer widths of the MLP encoder f (paper: 10d-50d-50d-50d-50d-10d)') })
      .describe('the trained encoder f_InfoNCE'),
    train: trainSchema('encoder'),
  })
  .superRefine((c, ctx) => {
    for (const space of ['box', 'sphere'] as const) {
      if (c[space].contentDims >= c.dims) ctx.addIssue({ code: 'custom', message: `contentDims < dims = ${c.dims} (style must exist)`, path: [space, 'contentDims'] })
    }
  })

export type Table1Config = z.infer<typeof table1ConfigSchema>
