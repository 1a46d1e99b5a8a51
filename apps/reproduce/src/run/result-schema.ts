import { z } from 'zod'

const claimSchema = z.object({
  id: z.string().min(1),
  description: z.string().min(1),
  expected: z.string().min(1),
  measured: z.string().min(1),
  holds: z.boolean(),
})

/** Schema of `result.json`; a result is validated against it before it is written. */
export const resultSchema = z.object({
  schemaVersion: z.literal(1),
  experiment: z.string().min(1),
  title: z.string().min(1),
  paperRef: z.string().min(1),
  preset: z.enum(['quick', 'paper']),
  seeds: z.array(z.number().int().nonnegative()).min(1),
  backend: z.object({
    name: z.string().min(1),
    detail: z.string(),
    forced: z.boolean(),
    attempts: z.array(z.object({ backend: z.string(), outcome: z.enum(['selected', 'skipped']), reason: z.string() })),
  }),
  config: z.record(z.string(), z.unknown()),
  /** `node` (process.version) for the CLI, `browser` (the user agent) for the browser lab: exactly one of them. */
  versions: z
    .object({ node: z.string().min(1).optional(), browser: z.string().min(1).optional(), tfjs: z.string(), app: z.string() })
    .refine((v) => (v.node === undefined) !== (v.browser === undefined), { message: 'exactly one of versions.node (the CLI) and versions.browser (the lab)', path: ['node'] }),
  timings: z.object({ startedAt: z.iso.datetime(), finishedAt: z.iso.datetime(), wallSeconds: z.number().nonnegative() }),
  metrics: z.record(z.string(), z.unknown()),
  paper: z.record(z.string(), z.unknown()),
  claims: z.array(claimSchema),
  figures: z.array(z.object({ name: z.string().min(1), caption: z.string(), file: z.string().min(1), png: z.string().min(1).optional() })),
  /** The user DGP (`--dgp FILE`) the run used instead of the paper's: module path (or `inline:<name>`) and sha256. */
  dgp: z.object({ module: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable() }).optional(),
})

export type RunResult = z.infer<typeof resultSchema>
