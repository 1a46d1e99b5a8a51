import { z } from 'zod'
import { int, positive } from '../config-parts.js'
import { imageExperimentShape } from '../images/config.js'

export const fig2ConfigSchema = z.strictObject({
  ...imageExperimentShape,
  projector: z
    .strictObject({ outputDim: int(2).describe('projection width (SimSiam projection_MLP: 256; hidden width = backbone width)') })
    .describe('the SimSiam projection head Linear(D, D) → ReLU → Linear(D, outputDim)'),
  tau: positive.describe('τ of both models (SimSiam NT_XentLoss: 0.5)'),
})

export type Fig2Config = z.infer<typeof fig2ConfigSchema>
