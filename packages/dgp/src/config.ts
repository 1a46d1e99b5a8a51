import { z } from 'zod'
import { DEFAULT_THRESHOLD_DRAWS } from './condition-number.js'
import { DEFAULT_MLP_LAYERS, DEFAULT_MLP_SLOPE } from './invertible-mlp.js'

/** Style scale σ_s of the box conditional (cl-ica `--c-param 0.05`; consistent with the paper's Table 1 L_align). */
export const DEFAULT_SIGMA = 0.05
/**
 * vMF concentration κ of the sphere conditional. The paper gives none; 1 is the sphere setting of Zimmermann et al.
 * 2021 (vMF(κ = 1), cl-ica) and, with the partial construction and d_c = 1, also matches Table 1's sphere
 * L_align(f = g⁻¹) ≈ −0.19 (weak evidence, see README "Decisions and ambiguities").
 */
export const DEFAULT_VMF_KAPPA = 1
/** Latent dimensionality d (§4.1: "Unless noted otherwise, d = 10"; cl-ica `--n 10`). */
export const DEFAULT_DIMS = 10

const MAX_SEED = 2 ** 53 - 1

/** An object schema that rejects unknown keys with an issue *at that key* (so the error names `config.<key>`). */
function strict<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape)
  return z.looseObject(shape).superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: `a known option (${known.join(' | ')})` })
    }
  })
}

const integer = (min: number, what = `an integer >= ${min}`) => z.number({ error: what }).int({ error: what }).min(min, { error: what })
const positive = (what: string) => z.number({ error: what }).positive({ error: what })
const nonNegative = (what: string) => z.number({ error: what }).min(0, { error: what })
const seed = integer(0, 'an integer in [0, 2^53 − 1]').max(MAX_SEED, { error: 'an integer in [0, 2^53 − 1]' })

const sigmaMsg = 'a number > 0 or an array of numbers > 0 (one per style dim)'
const contentSigmaMsg = 'a number >= 0 or an array of numbers >= 0 (one per content dim; 0 = δ, copied exactly)'
const noise = <K extends 'normal' | 'laplace'>(kind: K) =>
  strict({
    kind: z.literal(kind),
    sigma: z.union([positive(sigmaMsg), z.array(positive(sigmaMsg)).min(1, { error: sigmaMsg })], { error: sigmaMsg }).default(DEFAULT_SIGMA),
    contentSigma: z.union([nonNegative(contentSigmaMsg), z.array(nonNegative(contentSigmaMsg))], { error: contentSigmaMsg }).default(0),
  })

const conditionalSchema = z.discriminatedUnion(
  'kind',
  [noise('normal'), noise('laplace'), strict({ kind: z.literal('vmf'), kappa: positive('a number > 0').default(DEFAULT_VMF_KAPPA) })],
  { error: 'one of "normal" | "laplace" | "vmf"' },
)

const matrix = z.array(z.array(z.number({ error: 'finite numbers' })))
const conditioned = {
  thresholdDraws: integer(1).default(DEFAULT_THRESHOLD_DRAWS),
  thresholdRatio: z.number({ error: 'a number in [0, 1)' }).min(0, { error: 'a number in [0, 1)' }).lt(1, { error: 'a number in [0, 1)' }).default(0),
  conditionThreshold: z.number({ error: 'a number >= 1' }).min(1, { error: 'a number >= 1' }).optional(),
  maxDrawsPerLayer: integer(1).optional(),
  seed: seed.optional(),
}
const generatorSchema = z.discriminatedUnion(
  'kind',
  [
    strict({
      kind: z.literal('mlp'),
      layers: integer(1).default(DEFAULT_MLP_LAYERS),
      slope: z.number({ error: 'a number in (0, 1]' }).positive({ error: 'a number in (0, 1]' }).max(1, { error: 'a number in (0, 1]' }).default(DEFAULT_MLP_SLOPE),
      weights: z.array(matrix).min(1, { error: 'at least one matrix' }).optional(),
      ...conditioned,
    }),
    strict({ kind: z.literal('linear'), weights: matrix.optional(), ...conditioned }),
    strict({ kind: z.literal('identity') }),
  ],
  { error: 'one of "mlp" | "linear" | "identity" (or a Generator object)' },
)

/** zod schema of {@link DgpConfig}; cross-field rules (d_c ≤ d, σ-vector lengths, box low < high, …) included. */
export const dgpConfigSchema = strict({
  space: z.enum(['box', 'sphere'], { error: 'one of "box" | "sphere"' }).default('box'),
  dims: integer(1).default(DEFAULT_DIMS),
  contentDims: z
    .union([integer(0, 'an integer >= 0 or a list of indices'), z.array(integer(0, 'integer indices >= 0'))], {
      error: 'an integer >= 0 or a list of indices',
    })
    .default(0),
  box: strict({ low: z.number({ error: 'a finite number' }).default(0), high: z.number({ error: 'a finite number' }).default(1) }).optional(),
  conditional: conditionalSchema.optional(),
  generator: generatorSchema.prefault({ kind: 'mlp' }),
  seed: seed.optional(),
  negatives: z.enum(['batch', 'marginal'], { error: 'one of "batch" | "marginal"' }).default('batch'),
}).superRefine((c, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
  if (typeof c.dims !== 'number' || !Number.isInteger(c.dims)) return
  const d = c.dims
  if (c.space === 'sphere' && d < 2) issue(['dims'], 'an integer >= 2 for the sphere')
  let dc = 0
  if (typeof c.contentDims === 'number') {
    if (c.contentDims > d) issue(['contentDims'], `an integer in [0, dims = ${d}]`)
    dc = c.contentDims
  } else if (Array.isArray(c.contentDims)) {
    const set = new Set(c.contentDims)
    if (set.size !== c.contentDims.length || c.contentDims.some((k) => typeof k === 'number' && k >= d)) issue(['contentDims'], `distinct indices in [0, ${d - 1}]`)
    dc = set.size
  }
  const box = c.box as { low?: unknown; high?: unknown } | null | undefined
  if (box !== undefined) {
    if (c.space !== 'box') issue(['box'], 'no box option unless space is "box"')
    else if (typeof box?.low === 'number' && typeof box.high === 'number' && !(box.high > box.low)) {
      issue(['box', 'high'], `a number > box.low (${box.low})`)
    }
  }
  // the refinement also runs when fields above failed: read defensively
  const cond = c.conditional as { kind?: unknown; sigma?: unknown; contentSigma?: unknown } | null | undefined
  if (cond?.kind === 'vmf' && c.space === 'box') issue(['conditional', 'kind'], 'one of "normal" | "laplace" on the box (vMF needs the sphere)')
  if (cond?.kind === 'normal' || cond?.kind === 'laplace') {
    if (Array.isArray(cond.sigma) && cond.sigma.length !== d - dc) issue(['conditional', 'sigma'], `a number or an array of length ${d - dc} (one per style dim)`)
    if (Array.isArray(cond.contentSigma) && cond.contentSigma.length !== dc) {
      issue(['conditional', 'contentSigma'], `a number or an array of length ${dc} (one per content dim)`)
    }
  }
  const g = c.generator as { kind?: unknown; weights?: unknown } | null | undefined
  const square = (m: unknown) => Array.isArray(m) && m.length === d && m.every((row) => Array.isArray(row) && row.length === d)
  if (g?.kind === 'linear' && g.weights !== undefined && !square(g.weights)) issue(['generator', 'weights'], `a ${d}×${d} matrix`)
  if (g?.kind === 'mlp' && Array.isArray(g.weights) && !g.weights.every(square)) issue(['generator', 'weights'], `${d}×${d} matrices`)
})

/** Input of `createDgp` (every field optional; see the README for defaults). */
export type DgpConfig = z.input<typeof dgpConfigSchema>
/** `createDgp`'s configuration after validation and defaults. */
export type ParsedDgpConfig = z.output<typeof dgpConfigSchema>
