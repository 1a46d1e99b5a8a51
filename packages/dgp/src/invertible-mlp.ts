import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, createRng, type Rng } from '@cl/core'
import { Matrix, inverse as matrixInverse } from 'ml-matrix'
import {
  DEFAULT_THRESHOLD_DRAWS,
  conditionNumber,
  drawConditionedMatrix,
  estimateConditionThreshold,
} from './condition-number.js'
import { checkRank2, type Generator } from './generator.js'

/** Leaky-ReLU slope of cl-ica's mixing network g (`nn.LeakyReLU(negative_slope=0.2)`). */
export const DEFAULT_MLP_SLOPE = 0.2
/** Number of mixing layers of g (cl-ica `--n-mixing-layer 3`; the paper's nonlinear DGP). */
export const DEFAULT_MLP_LAYERS = 3

/**
 * One bias-free layer of g. `weight` is in the PyTorch `nn.Linear.weight` convention, `[out][in]`, acting on column
 * vectors: h_out = W·h_in (for a batch of rows, H_out = H_in·Wᵀ). The tfjs dense kernel ([in, out]) is therefore Wᵀ.
 * Columns of W (input dims) have unit L2 norm when drawn by the threshold procedure.
 */
export interface MlpLayer {
  /** W, `[out][in]`, PyTorch convention (x = W·z). */
  readonly weight: readonly (readonly number[])[]
  /** W⁻¹ (float64, ml-matrix LU inverse). */
  readonly inverseWeight: readonly (readonly number[])[]
  /** cond(W) = σ_max/σ_min. */
  readonly conditionNumber: number
  /** How many matrices were drawn until cond(W) ≤ threshold (0 when W was given). */
  readonly draws: number
}

/**
 * The invertible leaky-ReLU MLP g of cl-ica (`invertible_network_utils.construct_invertible_mlp`):
 * x = W_L · σ(W_{L−1} · … σ(W_1 · z)), σ = LeakyReLU(slope), no bias, no activation after the last layer, frozen.
 * g⁻¹ applies W_i⁻¹ and σ⁻¹(h) = h for h ≥ 0, h/slope for h < 0, in reverse order.
 */
export interface InvertibleMlp extends Generator {
  readonly kind: 'mlp' | 'linear'
  readonly layers: readonly MlpLayer[]
  readonly slope: number
  /** The condition-number threshold every layer satisfies (null when the weights were given). */
  readonly conditionThreshold: number | null
  /** Draws used to estimate the threshold (0 when it was given or the weights were given). */
  readonly thresholdDraws: number
  /** cond(W_i) per layer. */
  readonly conditionNumbers: readonly number[]
}

/** Options of {@link createInvertibleMlp}. */
export interface InvertibleMlpOptions {
  readonly dims: number
  /** Number of linear layers (default 3). */
  readonly layers?: number
  /** Leaky-ReLU negative slope in (0, 1] (default 0.2). */
  readonly slope?: number
  /** Draws for the threshold estimate (default 25 000 as in cl-ica; ≈ 50 µs each at d = 10). */
  readonly thresholdDraws?: number
  /** Quantile of the sorted draws used as threshold (default 0 = the minimum, cl-ica; von Kügelgen et al.: 0.001). */
  readonly thresholdRatio?: number
  /** Use this threshold instead of estimating one (skips the `thresholdDraws` SVDs). */
  readonly conditionThreshold?: number
  /** Give up (SamplingLimitError) after this many redraws for one layer (default max(1000·thresholdDraws, 10⁶)). */
  readonly maxDrawsPerLayer?: number
  /** Random stream for the construction (default `createRng(seed ?? 0)`). */
  readonly rng?: Rng
  readonly seed?: number
}

interface BuiltLayer {
  w: Float64Array // [out][in] row-major
  wInv: Float64Array
  kernel: Float32Array // Wᵀ, [in][out]: tfjs dense convention
  kernelInv: Float32Array // (W⁻¹)ᵀ
}

function toRows(a: Float64Array, d: number): number[][] {
  return Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, (i + 1) * d)))
}

function transposeF32(a: Float64Array, d: number): Float32Array {
  const t = new Float32Array(d * d)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j] as number
  return t
}

/** y = A·x for every row x of `rows` (row-major [n, d]); returns a new array. */
function matVecRows(a: Float64Array, rows: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(rows.length)
  for (let r = 0; r < n; r++) {
    const o = r * d
    for (let i = 0; i < d; i++) {
      let s = 0
      for (let j = 0; j < d; j++) s += (a[i * d + j] as number) * (rows[o + j] as number)
      out[o + i] = s
    }
  }
  return out
}

/**
 * Assemble a generator from d×d matrices (internal: shared by the MLP and the linear generator).
 * @internal
 */
export function buildLayeredGenerator(
  kind: 'mlp' | 'linear',
  matrices: readonly Matrix[],
  info: { slope: number; conditionThreshold: number | null; thresholdDraws: number; draws: readonly number[] },
): InvertibleMlp {
  const dims = matrices[0]?.rows ?? 0
  const { slope } = info
  const built: BuiltLayer[] = []
  const layers: MlpLayer[] = matrices.map((m, i) => {
    const cond = conditionNumber(m)
    if (!Number.isFinite(cond) || cond > 1e12) throw new InvalidConfigError(`generator.weights[${i}]`, 'an invertible square matrix', `cond ${cond}`)
    const w = Float64Array.from(m.to1DArray())
    const wInv = Float64Array.from(matrixInverse(m).to1DArray())
    built.push({ w, wInv, kernel: transposeF32(w, dims), kernelInv: transposeF32(wInv, dims) })
    return { weight: toRows(w, dims), inverseWeight: toRows(wInv, dims), conditionNumber: cond, draws: info.draws[i] ?? 0 }
  })
  const last = built.length - 1
  return {
    kind,
    dims,
    layers,
    slope,
    conditionThreshold: info.conditionThreshold,
    thresholdDraws: info.thresholdDraws,
    conditionNumbers: layers.map((l) => l.conditionNumber),
    forward(z) {
      checkRank2('generator.forward(z)', z, dims)
      return tf.tidy(() => {
        let h: tf.Tensor2D = z
        built.forEach((layer, i) => {
          h = tf.matMul(h, tf.tensor2d(layer.kernel, [dims, dims]))
          if (i < last) h = tf.leakyRelu(h, slope)
        })
        return h
      })
    },
    inverse(x) {
      checkRank2('generator.inverse(x)', x, dims)
      return tf.tidy(() => {
        let h: tf.Tensor2D = x
        for (let i = last; i >= 0; i--) {
          h = tf.matMul(h, tf.tensor2d((built[i] as BuiltLayer).kernelInv, [dims, dims]))
          if (i > 0) h = tf.where(tf.greaterEqual(h, 0), h, tf.div<tf.Tensor2D>(h, slope))
        }
        return h
      })
    },
    forwardArray(z, n) {
      let h = z
      built.forEach((layer, i) => {
        h = matVecRows(layer.w, h, n, dims)
        if (i < last) for (let k = 0; k < h.length; k++) if ((h[k] as number) < 0) h[k] = (h[k] as number) * slope
      })
      return h
    },
    inverseArray(x, n) {
      let h = x
      for (let i = last; i >= 0; i--) {
        h = matVecRows((built[i] as BuiltLayer).wInv, h, n, dims)
        if (i > 0) for (let k = 0; k < h.length; k++) if ((h[k] as number) < 0) h[k] = (h[k] as number) / slope
      }
      return h
    },
  }
}

/**
 * Draw `layers` matrices by cl-ica's condition-number procedure (`construct_invertible_mlp`): estimate the threshold as the
 * `thresholdRatio` quantile (default: minimum) of `thresholdDraws` column-normalised U(−1,1) draws, then per layer
 * redraw until cond(W) ≤ threshold. Threshold and layers use separate forks of `rng` ('threshold', 'layer:i').
 * @internal
 */
export function drawConditionedLayers(
  options: InvertibleMlpOptions,
  layerCount: number,
): { matrices: Matrix[]; info: { conditionThreshold: number; thresholdDraws: number; draws: number[] } } {
  const { dims } = options
  if (!Number.isInteger(dims) || dims < 1) throw new InvalidConfigError('generator.dims', 'an integer >= 1', dims)
  if (!Number.isInteger(layerCount) || layerCount < 1) throw new InvalidConfigError('generator.layers', 'an integer >= 1', layerCount)
  const rng = options.rng ?? createRng(options.seed ?? 0)
  const thresholdDraws = options.thresholdDraws ?? DEFAULT_THRESHOLD_DRAWS
  let conditionThreshold: number
  let usedDraws = 0
  if (options.conditionThreshold !== undefined) {
    conditionThreshold = options.conditionThreshold
    if (!(conditionThreshold >= 1)) throw new InvalidConfigError('generator.conditionThreshold', 'a number >= 1', conditionThreshold)
  } else {
    conditionThreshold = estimateConditionThreshold(rng.fork('threshold'), dims, thresholdDraws, options.thresholdRatio ?? 0).threshold
    usedDraws = thresholdDraws
  }
  const maxDraws = options.maxDrawsPerLayer ?? Math.max(1000 * thresholdDraws, 1_000_000)
  const matrices: Matrix[] = []
  const draws: number[] = []
  for (let i = 0; i < layerCount; i++) {
    const layer = drawConditionedMatrix(rng.fork(`layer:${i}`), dims, conditionThreshold, maxDraws)
    matrices.push(layer.matrix)
    draws.push(layer.draws)
  }
  return { matrices, info: { conditionThreshold, thresholdDraws: usedDraws, draws } }
}

/** Create cl-ica's invertible leaky-ReLU MLP g with condition-controlled layers (§4.1 nonlinear DGP; defaults 3 layers, slope 0.2). */
export function createInvertibleMlp(options: InvertibleMlpOptions): InvertibleMlp {
  const slope = options.slope ?? DEFAULT_MLP_SLOPE
  if (!(slope > 0 && slope <= 1)) throw new InvalidConfigError('generator.slope', 'a number in (0, 1]', slope)
  const { matrices, info } = drawConditionedLayers(options, options.layers ?? DEFAULT_MLP_LAYERS)
  return buildLayeredGenerator('mlp', matrices, { ...info, slope })
}

/** An invertible leaky-ReLU MLP from given square weights (PyTorch convention `[out][in]`, x = W·z). */
export function invertibleMlpFromWeights(
  weights: readonly (readonly (readonly number[])[])[],
  slope = DEFAULT_MLP_SLOPE,
): InvertibleMlp {
  if (!(slope > 0 && slope <= 1)) throw new InvalidConfigError('generator.slope', 'a number in (0, 1]', slope)
  return buildLayeredGenerator('mlp', toMatrices(weights), { slope, conditionThreshold: null, thresholdDraws: 0, draws: [] })
}

/** @internal */
export function toMatrices(weights: readonly (readonly (readonly number[])[])[]): Matrix[] {
  if (weights.length === 0) throw new InvalidConfigError('generator.weights', 'at least one square matrix', weights)
  const d = weights[0]?.length ?? 0
  return weights.map((w, i) => {
    if (w.length !== d || d === 0 || w.some((row) => row.length !== d || row.some((v) => !Number.isFinite(v)))) {
      throw new InvalidConfigError(`generator.weights[${i}]`, `a finite ${d}×${d} matrix`, w)
    }
    return new Matrix(w.map((row) => [...row]))
  })
}
