import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, createRng, type ContentStyleSplit, type LatentPairs, type PositivePairBatch, type Rng } from '@cl/core'
import type { Conditional } from './conditional.js'
import { checkRank2, type Generator } from './generator.js'
import type { LatentSpace } from './latent-space.js'

/**
 * Where negatives come from. `'batch'`: none are sampled; the loss uses the whole anchor batch, including the anchor
 * itself, as cl-ica does (`main_mlp.py`: `torch.roll(z1, 1, 0)`). `'marginal'`: `sample(n)` also returns n fresh
 * marginal draws `zNegative`/`xNegative` (paper eq. (1): x⁻ ~ p(x) i.i.d.).
 */
export type NegativesMode = 'batch' | 'marginal'

/** A batch of positive pairs, plus fresh negatives when the DGP's negatives mode is `'marginal'`. */
export interface DgpBatch extends PositivePairBatch {
  readonly zNegative?: tf.Tensor2D
  readonly xNegative?: tf.Tensor2D
}

/** Float64 arrays (row-major `[n, dims]`) of one batch; what {@link DgpBatch} holds before the float32 upload. */
export interface DgpArrays {
  readonly n: number
  readonly z: Float64Array
  readonly zPositive: Float64Array
  readonly x: Float64Array
  readonly xPositive: Float64Array
  readonly zNegative?: Float64Array
  readonly xNegative?: Float64Array
}

/** What a DGP is: the latent space, the content/style split and the sampling seed. */
export interface DgpMetadata extends ContentStyleSplit {
  /** `'box'`, `'sphere'`, or a custom space's kind. */
  readonly space: string
  /** d */
  readonly dims: number
  /** d_c */
  readonly contentDims: number
  /** d_s = d − d_c */
  readonly styleDims: number
  readonly conditional: string
  readonly generator: string
  readonly negatives: NegativesMode
  /** Seed of the sampling stream (see `reseed`). */
  readonly seed: number
}

/**
 * A data generating process (§2, §4.1): z ~ p(z) on a latent space, z̃ ~ p(z̃ | z) with a content/style split,
 * x = g(z). Every sampling call draws from the next fork of a seeded stream, so the sequence of calls is identical
 * across runs and backends. All returned tensors are owned by the caller (`disposeBatch` from `@cl/core`).
 */
export interface Dgp {
  readonly metadata: DgpMetadata
  readonly space: LatentSpace
  readonly conditional: Conditional
  readonly generator: Generator
  /** z ~ p(z), [n, d]. */
  sampleMarginal(n: number): tf.Tensor2D
  /** z̃ ~ p(z̃ | z) for each row of z ([n, d], points of the space). Content dims with σ_c = 0 are copied bit-exactly. */
  sampleConditional(z: tf.Tensor2D): tf.Tensor2D
  /** (z, z̃) without the generator. */
  samplePairs(n: number): LatentPairs
  /** x = g(z) on the current backend (float32). */
  generate(z: tf.Tensor2D): tf.Tensor2D
  /** One batch: z, z̃, x = g(z), x̃ = g(z̃) (and negatives in `'marginal'` mode). */
  sample(n: number): DgpBatch
  /** The same batch as `sample` would draw, as float64 arrays (x computed in float64). */
  sampleArrays(n: number): DgpArrays
  /** n fresh negatives z⁻ ~ p(z), x⁻ = g(z⁻), whatever the negatives mode. */
  sampleNegatives(n: number): { z: tf.Tensor2D; x: tf.Tensor2D }
  /** A DGP with the same space, conditional and generator and a fresh sampling stream from `seed`. */
  reseed(seed: number): Dgp
}

/** The parts {@link assembleDgp} composes: any space, conditional and generator, built-in or your own. */
export interface DgpParts {
  readonly space: LatentSpace
  readonly conditional: Conditional
  readonly generator: Generator
  readonly split: ContentStyleSplit
  readonly seed: number
  readonly negatives?: NegativesMode
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InvalidConfigError('n', 'an integer >= 1', n)
}

function upload(a: Float64Array, n: number, d: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(a), [n, d])
}

/** Compose a {@link Dgp} from parts (the extension point behind `createDgp`; see README "Extend with your own DGP"). */
export function assembleDgp(parts: DgpParts): Dgp {
  const { space, conditional, generator, split, seed } = parts
  const negatives = parts.negatives ?? 'batch'
  const d = space.dims
  if (generator.dims !== d) throw new InvalidConfigError('generator.dims', `${d} (the latent dims)`, generator.dims)
  const covered = [...split.contentIndices, ...split.styleIndices].sort((a, b) => a - b)
  if (covered.length !== d || covered.some((k, i) => k !== i)) {
    throw new InvalidConfigError('split', `content and style indices partitioning 0..${d - 1}`, split)
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 53 - 1) throw new InvalidConfigError('seed', 'an integer in [0, 2^53 − 1]', seed)
  const stream = createRng(seed).fork('sampling')
  let calls = 0
  const nextRng = (): Rng => stream.fork(calls++)

  const arrays = (n: number): DgpArrays => {
    checkCount(n)
    const rng = nextRng()
    const z = space.sampleMarginal(rng.fork('marginal'), n)
    const zPositive = conditional.sample(rng.fork('conditional'), z, n)
    const base = { n, z, zPositive, x: generator.forwardArray(z, n), xPositive: generator.forwardArray(zPositive, n) }
    if (negatives === 'batch') return base
    const zNegative = space.sampleMarginal(rng.fork('negatives'), n)
    return { ...base, zNegative, xNegative: generator.forwardArray(zNegative, n) }
  }

  return {
    metadata: {
      space: space.kind,
      dims: d,
      contentDims: split.contentIndices.length,
      styleDims: split.styleIndices.length,
      contentIndices: [...split.contentIndices],
      styleIndices: [...split.styleIndices],
      conditional: conditional.kind,
      generator: generator.kind,
      negatives,
      seed,
    },
    space,
    conditional,
    generator,
    sampleMarginal(n) {
      checkCount(n)
      return upload(space.sampleMarginal(nextRng().fork('marginal'), n), n, d)
    },
    sampleConditional(z) {
      checkRank2('sampleConditional(z)', z, d)
      const n = z.shape[0]
      checkCount(n)
      return upload(conditional.sample(nextRng().fork('conditional'), Float64Array.from(z.dataSync()), n), n, d)
    },
    samplePairs(n) {
      checkCount(n)
      const rng = nextRng()
      const z = space.sampleMarginal(rng.fork('marginal'), n)
      const zPositive = conditional.sample(rng.fork('conditional'), z, n)
      return { z: upload(z, n, d), zPositive: upload(zPositive, n, d) }
    },
    generate(z) {
      return generator.forward(z)
    },
    sample(n) {
      const a = arrays(n)
      const batch = { z: upload(a.z, n, d), zPositive: upload(a.zPositive, n, d), x: upload(a.x, n, d), xPositive: upload(a.xPositive, n, d) }
      if (a.zNegative === undefined || a.xNegative === undefined) return batch
      return { ...batch, zNegative: upload(a.zNegative, n, d), xNegative: upload(a.xNegative, n, d) }
    },
    sampleArrays: arrays,
    sampleNegatives(n) {
      checkCount(n)
      const z = space.sampleMarginal(nextRng().fork('negatives'), n)
      return { z: upload(z, n, d), x: upload(generator.forwardArray(z, n), n, d) }
    },
    reseed(newSeed) {
      return assembleDgp({ ...parts, seed: newSeed })
    },
  }
}
