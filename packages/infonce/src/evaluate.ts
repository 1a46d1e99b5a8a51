import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import { cosineInfoNceProblem, type CosineInfoNceOptions } from './cosine-infonce.js'
import { lpInfoNceProblem, type LpInfoNceOptions } from './lp-infonce.js'
import { ntXentProblem, type NtXentOptions } from './nt-xent.js'
import { rowUniform, type InfoNceProblem, type InfoNceValues } from './terms.js'

/**
 * Rows per block of {@link evaluateInfoNce} (default 1024). Peak memory: with the default fused implementation
 * O((chunkSize + M)·d + tileSize²); with `implementation: 'stock'` a few × 4·chunkSize·M bytes.
 */
export interface ChunkOptions {
  readonly chunkSize?: number
}

/** Which loss {@link evaluateInfoNce} evaluates, with that loss's options. */
export type EvaluateInfoNceOptions =
  | ({ readonly loss: 'lp' } & LpInfoNceOptions & ChunkOptions)
  | ({ readonly loss: 'cosine' } & CosineInfoNceOptions & ChunkOptions)
  | ({ readonly loss: 'nt-xent' } & NtXentOptions & ChunkOptions)

function problemFor(f: tf.Tensor2D, fPositive: tf.Tensor2D, options: EvaluateInfoNceOptions): InfoNceProblem {
  switch (options.loss) {
    case 'lp': {
      const { loss: _loss, chunkSize: _chunk, ...rest } = options
      return lpInfoNceProblem(f, fPositive, rest)
    }
    case 'cosine': {
      const { loss: _loss, chunkSize: _chunk, ...rest } = options
      return cosineInfoNceProblem(f, fPositive, rest)
    }
    case 'nt-xent': {
      const { loss: _loss, chunkSize: _chunk, ...rest } = options
      return ntXentProblem(f, fPositive, rest)
    }
    default:
      throw new InvalidConfigError('loss', "'lp', 'cosine' or 'nt-xent'", (options as { loss?: unknown }).loss)
  }
}

/**
 * Forward-only, row-chunked evaluation of a loss: the same terms as the training path (and the same `implementation`),
 * `chunkSize` anchor rows at a time, so the N × M logit matrix never exists at once (N = 10 000 as in Table 1 would be
 * a 400 MB float32 matrix; the fused implementation does not build it even within a chunk). Per-chunk sums are
 * accumulated in float64 on the host; one readback at the end.
 * Returns plain numbers `{ total, align, uniform, rows }`; equal to the full path up to float32 rounding.
 * For NT-Xent, `f` and `fPositive` are the two views. Leaves no tensors behind.
 */
export async function evaluateInfoNce(
  f: tf.Tensor2D,
  fPositive: tf.Tensor2D,
  options: EvaluateInfoNceOptions,
): Promise<InfoNceValues> {
  if (typeof options !== 'object' || options === null) throw new InvalidConfigError('options', 'an options object', options)
  const chunkSize = options.chunkSize ?? 1024
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InvalidConfigError('chunkSize', 'an integer ≥ 1', chunkSize)
  let rows = 0
  const sums = tf.tidy(() => {
    const problem = problemFor(f, fPositive, options)
    rows = problem.rows
    const parts: tf.Tensor[] = []
    for (let start = 0; start < rows; start += chunkSize) {
      const end = Math.min(rows, start + chunkSize)
      parts.push(
        tf.tidy(() => {
          const block = problem.block(start, end)
          return tf.stack([tf.sum(rowUniform(block)), tf.sum(block.positive)])
        }),
      )
    }
    return tf.stack(parts) // [chunks, 2]
  })
  const data = await sums.data()
  sums.dispose()
  let uniformSum = 0
  let positiveSum = 0
  for (let i = 0; i < data.length; i += 2) {
    uniformSum += data[i] ?? Number.NaN
    positiveSum += data[i + 1] ?? Number.NaN
  }
  const uniform = uniformSum / rows
  const align = -positiveSum / rows
  return { total: align + uniform, align, uniform, rows }
}
