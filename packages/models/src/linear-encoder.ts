import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, NonFiniteError, ShapeMismatchError, assertOptionKeys } from '@cl/core'
import { buildMlp, type MlpEncoder } from './mlp-encoder.js'
import type { OutputNormalization } from './output-normalization.js'
import { type SeedLike } from './validate.js'

/** Options of {@link createLinearEncoder}. */
export interface LinearEncoderOptions {
  /** Input width d (the paper's linear experiment uses d = 8). */
  readonly inputDim: number
  /** Output width (default: inputDim, i.e. a square d×d map). */
  readonly outputDim?: number
  /** Optional output normalisation (default `'none'`; the paper normalises inside the sphere loss instead). */
  readonly outputNormalization?: OutputNormalization
  /** Seed for the init (PyTorch U(±1/√d)), or an Rng. */
  readonly seed: SeedLike
  /** Variable scope (default: a fresh `linear_encoder_<n>`). */
  readonly name?: string
  /** Whether the weight is trainable (default true). */
  readonly trainable?: boolean
}

/**
 * The bias-free linear encoder of the paper's linear experiment (§4.1, Fig. 1 left): f(x) = W x for a column vector x,
 * i.e. f(X) = X·Wᵀ for a batch X [batch, in] — PyTorch's `nn.Linear(in, out, bias=False)` with `weight` W of shape
 * [out, in]. The stored variable `dense_0/kernel` is K = Wᵀ ([in, out]).
 */
export interface LinearEncoder extends MlpEncoder {
  /**
   * W as a [out][in] array of rows (PyTorch `weight` convention, f(x) = W x). With a linear generator x = A_g z the
   * end-to-end map is z ↦ W·A_g z. Fig. 1 (left) uses the singular values of this matrix. Reads back (a sync).
   */
  weightMatrix(): number[][]
  /** Set W ([out][in] rows, same convention as {@link weightMatrix}). */
  setWeightMatrix(w: readonly (readonly number[])[]): void
}

/** Create the bias-free linear encoder f(X) = X·Wᵀ (taps: `output`, plus `normalized` if a normalisation is set). */
export function createLinearEncoder(options: LinearEncoderOptions): LinearEncoder {
  assertOptionKeys('linearEncoder', options, ['inputDim', 'outputDim', 'outputNormalization', 'seed', 'name', 'trainable'])
  const base = buildMlp({ ...options, hiddenWidths: [], useBias: false }, 'linearEncoder', 'linear_encoder')
  const layer = base.layers[0]!
  const { inputDim, outputDim } = layer
  return Object.assign(base, {
    weightMatrix: (): number[][] => {
      const k = layer.kernel.dataSync() as Float32Array
      const w: number[][] = []
      for (let o = 0; o < outputDim; o++) {
        const row = new Array<number>(inputDim)
        for (let i = 0; i < inputDim; i++) row[i] = k[i * outputDim + o]!
        w.push(row)
      }
      return w
    },
    setWeightMatrix: (w: readonly (readonly number[])[]): void => {
      if (!Array.isArray(w)) throw new InvalidConfigError('weightMatrix', `an array of ${outputDim} rows`, w)
      const cols = Array.isArray(w[0]) ? w[0].length : 0
      if (w.length !== outputDim || w.some((row) => !Array.isArray(row) || row.length !== inputDim)) {
        throw new ShapeMismatchError('weightMatrix', [outputDim, inputDim], [w.length, cols])
      }
      const k = new Float32Array(inputDim * outputDim)
      for (let o = 0; o < outputDim; o++) {
        for (let i = 0; i < inputDim; i++) {
          const v = w[o]![i]!
          if (!Number.isFinite(v)) throw new NonFiniteError(`weightMatrix[${o}][${i}]`)
          k[i * outputDim + o] = v
        }
      }
      tf.tidy(() => {
        layer.kernel.assign(tf.tensor2d(k, [inputDim, outputDim], 'float32'))
      })
    },
  })
}
