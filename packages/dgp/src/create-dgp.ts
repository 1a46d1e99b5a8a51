import { InvalidConfigError, createRng, parseConfig } from '@cl/core'
import {
  conditionalScales,
  createBoxConditional,
  createSphereNoiseConditional,
  createSphereVmfConditional,
  type Conditional,
} from './conditional.js'
import { DEFAULT_SIGMA, DEFAULT_VMF_KAPPA, dgpConfigSchema, type ParsedDgpConfig } from './config.js'
import { resolveContentStyleSplit } from './content-style.js'
import { assembleDgp, type Dgp } from './dgp.js'
import { createIdentityGenerator, isGenerator, type Generator } from './generator.js'
import { createHyperbox } from './hyperbox.js'
import { createHypersphere } from './hypersphere.js'
import { createInvertibleMlp, invertibleMlpFromWeights, type InvertibleMlpOptions } from './invertible-mlp.js'
import type { LatentSpace } from './latent-space.js'
import { createLinearGenerator, linearGeneratorFromMatrix } from './linear-generator.js'
import type { z } from 'zod'

/** Input of {@link createDgp}: every field optional; `generator` may also be a ready {@link Generator}. */
export type DgpConfig = Omit<z.input<typeof dgpConfigSchema>, 'generator'> & {
  generator?: z.input<typeof dgpConfigSchema>['generator'] | Generator
}

/** The configuration a DGP was built from, after validation and defaults (`conditional` filled per space). */
export type ResolvedDgpConfig = Omit<ParsedDgpConfig, 'conditional' | 'generator' | 'seed'> & {
  conditional: NonNullable<ParsedDgpConfig['conditional']>
  generator: ParsedDgpConfig['generator'] | { kind: string; custom: true }
  seed: number
}

/** A {@link Dgp} built by {@link createDgp}, with the resolved configuration it came from. */
export interface ConfiguredDgp extends Dgp {
  readonly config: ResolvedDgpConfig
}

function buildGenerator(g: ParsedDgpConfig['generator'], dims: number, seed: number): Generator {
  if (g.kind === 'identity') return createIdentityGenerator(dims)
  if (g.kind === 'linear' && g.weights !== undefined) return linearGeneratorFromMatrix(g.weights)
  if (g.kind === 'mlp' && g.weights !== undefined) return invertibleMlpFromWeights(g.weights, g.slope)
  // separate stream for the construction (§ reproducibility): generator.seed, else fork 'generator' of the seed
  const rng = g.seed !== undefined ? createRng(g.seed) : createRng(seed).fork('generator')
  const options: InvertibleMlpOptions = {
    dims,
    rng,
    thresholdDraws: g.thresholdDraws,
    thresholdRatio: g.thresholdRatio,
    ...(g.conditionThreshold !== undefined && { conditionThreshold: g.conditionThreshold }),
    ...(g.maxDrawsPerLayer !== undefined && { maxDrawsPerLayer: g.maxDrawsPerLayer }),
  }
  return g.kind === 'linear' ? createLinearGenerator(options) : createInvertibleMlp({ ...options, layers: g.layers, slope: g.slope })
}

/**
 * Build a DGP from a configuration validated with zod at this boundary (invalid input throws an
 * `InvalidConfigError` naming the dotted field, e.g. `config.conditional.sigma`). Defaults follow cl-ica and the
 * paper §4.1: box [0, 1]^10, no content dims, normal conditional σ = 0.05 (box) / vMF κ = 1 (sphere),
 * 3-layer leaky-ReLU MLP (slope 0.2) with the 25 000-draw condition threshold, negatives = the anchor batch.
 * Without `seed` a random seed is drawn and reported in `metadata.seed` / `config.seed`.
 */
export function createDgp(input: DgpConfig = {}): ConfiguredDgp {
  let custom: Generator | undefined
  let raw: unknown = input
  if (typeof input === 'object' && input !== null && isGenerator((input as { generator?: unknown }).generator)) {
    custom = input.generator as Generator
    const { generator: _omit, ...rest } = input
    raw = rest
  }
  const parsed = parseConfig(dgpConfigSchema, raw, 'config')
  const { dims } = parsed
  const seed = parsed.seed ?? Math.floor(Math.random() * 2 ** 32)
  const split = resolveContentStyleSplit(dims, parsed.contentDims)

  let space: LatentSpace
  let conditional: Conditional
  let conditionalConfig: ResolvedDgpConfig['conditional']
  if (parsed.space === 'box') {
    const box = createHyperbox(dims, parsed.box?.low ?? 0, parsed.box?.high ?? 1)
    const c = parsed.conditional ?? { kind: 'normal' as const, sigma: DEFAULT_SIGMA, contentSigma: 0 }
    if (c.kind === 'vmf') throw new InvalidConfigError('config.conditional.kind', '"normal" | "laplace" on the box', c.kind)
    space = box
    conditional = createBoxConditional({ box, noise: c.kind, scale: conditionalScales(split, c.sigma, c.contentSigma) })
    conditionalConfig = c
  } else {
    const c = parsed.conditional ?? { kind: 'vmf' as const, kappa: DEFAULT_VMF_KAPPA }
    space = createHypersphere(dims)
    conditional =
      c.kind === 'vmf'
        ? createSphereVmfConditional({ dims, kappa: c.kappa, split })
        : createSphereNoiseConditional({ dims, noise: c.kind, scale: conditionalScales(split, c.sigma, c.contentSigma) })
    conditionalConfig = c
  }

  if (custom !== undefined && custom.dims !== dims) {
    throw new InvalidConfigError('config.generator', `a generator with dims = ${dims}`, `dims ${custom.dims}`)
  }
  const generator = custom ?? buildGenerator(parsed.generator, dims, seed)
  const dgp = assembleDgp({ space, conditional, generator, split, seed, negatives: parsed.negatives })
  const config: ResolvedDgpConfig = {
    ...parsed,
    conditional: conditionalConfig,
    generator: custom !== undefined ? { kind: custom.kind, custom: true } : parsed.generator,
    seed,
  }
  return { ...dgp, config }
}
