import { createRng } from '@cl/core'
import { createDgp, createInvertibleMlp, createLinearGenerator, type Dgp } from '@cl/dgp'
import { stepSeed } from '@cl/train'

/**
 * The synthetic DGP of the paper's §4.1, built exactly as the reproduce app builds it (apps/reproduce
 * `experiments/synthetic.ts`, `paperDgp` / `paperGenerator`): uniform marginal, δ content on the first `contentDims`
 * latents, normal style (σ) on the box or von Mises–Fisher style (κ) on the sphere, and the invertible generator g
 * (cl-ica's 3-layer leaky-ReLU MLP, or the linear map of Fig. 1 left) drawn with `createRng(seed)`.
 */
export function paperDgp(options: {
  readonly space: 'box' | 'sphere'
  readonly dims: number
  readonly contentDims: number
  readonly sigma: number
  readonly kappa: number
  readonly generator: 'mlp' | 'linear'
  readonly thresholdDraws: number
  readonly seed: number
}): Dgp {
  const g = { dims: options.dims, rng: createRng(options.seed), thresholdDraws: options.thresholdDraws }
  return createDgp({
    space: options.space,
    dims: options.dims,
    contentDims: options.contentDims,
    conditional: options.space === 'box' ? { kind: 'normal', sigma: options.sigma } : { kind: 'vmf', kappa: options.kappa },
    generator: options.generator === 'linear' ? createLinearGenerator(g) : createInvertibleMlp({ ...g, layers: 3 }),
    seed: options.seed,
  })
}

/** The batch of training step `step` (the app's `stepBatch`): a function of (seed, job key, step) only. */
export function stepBatch(dgp: Dgp, seed: number, key: string, step: number, n: number) {
  return dgp.reseed(stepSeed(seed, key, step)).sample(n)
}
