import { z } from 'zod'

/** An integer ≥ `min` (config schemas of every experiment). */
export const int = (min: number) => z.number().int().min(min)

/** A number > 0. */
export const positive = z.number().positive()

/** The paper DGP's nonlinear generator g (§4.1, cl-ica's invertible MLP), shared by the MLP experiments. */
export const mlpGeneratorSchema = z
  .strictObject({
    layers: int(1).describe("layers of the invertible MLP generator g (cl-ica's construction; paper: 3)"),
    thresholdDraws: int(1).describe("random matrices drawn to set g's condition-number threshold (cl-ica: 25 000)"),
  })
  .describe('the nonlinear generator g of the paper DGP (ignored with --dgp)')

/** Adam optimisation of each trained encoder (PyTorch defaults; `@cl/train`), shared by every experiment. */
export function trainSchema(what: string) {
  return z
    .strictObject({
      steps: int(1).describe(`Adam steps per trained ${what}`),
      batchSize: int(2).describe('positive pairs per step N; the loss builds N×N float32 matrices (memory ∝ N²)'),
      learningRate: positive.describe('Adam learning rate'),
    })
    .describe(`optimisation of each ${what} (Adam, PyTorch defaults)`)
}
