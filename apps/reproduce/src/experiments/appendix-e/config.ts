import { z } from 'zod'
import { int, positive } from '../config-parts.js'
import { imageExperimentShape } from '../images/config.js'

export const appendixEConfigSchema = z.strictObject({
  ...imageExperimentShape,
  lossDims: int(1).describe('d: the first d dims of the backbone output r enter the loss (DirectCLR: 360 of 2048); < backbone width'),
  tau: positive.describe('τ of the InfoNCE on r[:, :d] (DirectCLR: 0.1)'),
})

export type AppendixEConfig = z.infer<typeof appendixEConfigSchema>
