import { z } from 'zod'
import { int, positive } from '../config-parts.js'
import { imageExperimentShape } from '../images/config.js'

export const table2ConfigSchema = z
  .strictObject({
    ...imageExperimentShape,
    projector: z
      .strictObject({ outputDim: int(2).describe('projection width (SimSiam projection_MLP: 256; hidden width = backbone width)') })
      .describe('the SimSiam projection head Linear(D, D) → ReLU → Linear(D, outputDim)'),
    tau: positive.describe('τ of the regular and w/o-norm variants (SimSiam NT_XentLoss: 0.5)'),
    diffTau: z
      .strictObject({
        first: positive.describe('τ on the first half of the projection dims (§4.2: 1)'),
        rest: positive.describe('τ on the remaining dims (§4.2: 0.7)'),
      })
      .describe('per-dim τ of the w/o norm + diff. τ variant (§4.2: "τ = 1 for half of the dimensions and τ = 0.7 for the rest")'),
  })

export type Table2Config = z.infer<typeof table2ConfigSchema>
