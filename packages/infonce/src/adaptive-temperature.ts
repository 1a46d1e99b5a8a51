import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError, assertIntegerInRange, assertOptionKeys, assertPositive } from '@cl/core'
import { estimateContentDims, type ContentDimsEstimate } from '@cl/metrics'
import { lpInfoNce } from './lp-infonce.js'
import { representationGradients } from './representation-gradients.js'
import type { InfoNceTerms } from './terms.js'
import { assertPairedMatrices } from './validate.js'

/**
 * How Prop. 3's ratio is read (Appx. C eq. 16–18, τ_c ∼ √α_c = σ_c/σ_s with τ_s = 1):
 * - `'representation'`: τ scales the representation's squared distances, so the variance ratio enters once:
 *   τ_c = (σ_c/σ_s)²·τ_s = (ρ_c/ρ_s)·τ_s (the reading of fig1-spectrum's preset, τ_c = 0.01 for σ_c/σ_s = 0.1);
 * - `'logits'`: the paper's formula literally, τ_c = (σ_c/σ_s)·τ_s = (ρ_c/ρ_s)^½·τ_s.
 */
export type AdaptiveTemperatureReading = 'representation' | 'logits'

/**
 * What the d_c estimate (Prop. 2, `estimateContentDims`) reads:
 * - `'gradient'`: the alignment / uniformity gradients in representation space of an **un-tempered** loss
 *   (`representationGradients`; default the distance form of eq. 4 with τ = 1). Needs a uniformity gradient that is
 *   negative definite: the Lp / distance form (box). Lemma 5 is an M → ∞ statement (α_ij ≈ 1/M): at finite N, with
 *   distances ≫ τ, ρ is biased; a batch whose gradient is not negative definite falls back to `'covariance'`.
 * - `'covariance'`: conditional E[(f − f̃)(f − f̃)ᵀ] and marginal Cov(f) of the batch (Lemma 5's M → ∞ limit). Use it
 *   for cosine / dot-product losses (sphere, "w/o ℓ2-norm"), whose uniformity gradient is not negative definite.
 */
export type AdaptiveTemperatureSource = 'gradient' | 'covariance'

/** Options of {@link createAdaptiveTemperature}. */
export interface AdaptiveTemperatureOptions {
  /** d: encoder output dimensions (≥ 2). */
  readonly dims: number
  /** τ_s, the style temperature and the upper clamp of τ_c (default 1). */
  readonly tauStyle?: number
  /** Default `'representation'` (power 1); `'logits'` uses power ½. */
  readonly reading?: AdaptiveTemperatureReading
  /** Lower clamp of τ_c, in (0, τ_s] (default 0.01): a δ content conditional has ρ_c = 0 and would give τ_c = 0. */
  readonly floor?: number
  /** EMA momentum m ∈ [0, 1) in log τ: log τ ← m·log τ + (1 − m)·log τ_target (default 0.9; 0 = no smoothing). */
  readonly momentum?: number
  /** Steps between updates (default 10); see {@link AdaptiveTemperature.shouldUpdate}. */
  readonly updateEvery?: number
  /** Default `'gradient'`. */
  readonly source?: AdaptiveTemperatureSource
  /** Smallest log-gap (nats) that counts as a content/style split (`estimateContentDims`; default there ln 4). */
  readonly minGap?: number
  /** Name of the τ variable (tfjs names must be unique); default: auto. */
  readonly name?: string
}

/** One update: the d_c estimate it read, Prop. 3's target and τ after smoothing. */
export interface AdaptiveTemperatureUpdate {
  /** d̂_c (Prop. 2); the encoder's first d̂_c outputs get τ_c. */
  readonly contentDims: number
  /** ρ_k ascending (conditional / marginal variance ratio per component), the estimate's gaps and margin. */
  readonly estimate: ContentDimsEstimate
  /** What this estimate read: the configured source, or `'covariance'` after a fallback. */
  readonly source: AdaptiveTemperatureSource
  /**
   * Set when the `'gradient'` source fell back to covariances for this batch: the reason (the symmetrised uniformity
   * gradient was not negative definite, so `estimateContentDims` refused it).
   */
  readonly fallback?: string
  /** Median ρ of the d̂_c content components (NaN when d̂_c = 0). */
  readonly rhoContent: number
  /** Median ρ of the style components. */
  readonly rhoStyle: number
  /** Unclamped τ_c = (ρ_c/ρ_s)^power · τ_s (τ_s when d̂_c = 0). */
  readonly tauContentRaw: number
  /** Prop. 3's per-dimension target: clamp(τ_c, floor, τ_s) on the first d̂_c outputs, τ_s elsewhere. */
  readonly target: number[]
  /** τ after the EMA step, as stored in the float32 variable. */
  readonly tau: number[]
}

/** A per-dimension temperature set during training from the running gradient spectrum (Prop. 2 + Prop. 3). */
export interface AdaptiveTemperature {
  readonly dims: number
  readonly tauStyle: number
  readonly reading: AdaptiveTemperatureReading
  /** 1 for `'representation'`, ½ for `'logits'`. */
  readonly power: number
  readonly floor: number
  readonly momentum: number
  readonly updateEvery: number
  readonly source: AdaptiveTemperatureSource
  readonly minGap: number | undefined
  /**
   * τ ∈ R^d, a non-trainable float32 variable (initially τ_s everywhere). Pass it as a loss's `tau`, and put it in
   * `@cl/train`'s `variables` map so checkpoints hold it: it is the whole state of the rule (the EMA reads it back), so
   * a resumed run continues bit-identically.
   */
  readonly tau: tf.Variable<tf.Rank.R1>
  /**
   * Estimate d̂_c and ρ from one batch of representations (Prop. 2) and move τ towards Prop. 3's target. `loss`
   * (source `'gradient'` only) must be **un-tempered** (τ = 1): a per-dimension τ multiplies the representation
   * gradient from the left and would bias ρ. Default: eq. 4's distance form with τ = 1 (Lp, p = 2, negatives j ≠ i).
   * Call outside any gradient tape (e.g. between training steps). Reads back synchronously; leaves no tensors. When the
   * batch's symmetrised uniformity gradient is not negative definite, this update reads the covariances instead and
   * says so (`fallback`).
   */
  update(f: tf.Tensor2D, fPositive: tf.Tensor2D, loss?: (f: tf.Tensor2D, fPositive: tf.Tensor2D) => InfoNceTerms): AdaptiveTemperatureUpdate
  /** Whether to update after `completedSteps` steps: a positive multiple of `updateEvery`. */
  shouldUpdate(completedSteps: number): boolean
  /** τ read back (float32). */
  values(): Float32Array
  /** The last update of this object (not restored by a checkpoint: τ is). */
  readonly last: AdaptiveTemperatureUpdate | undefined
  /** Every update of this object, oldest first. */
  readonly history: readonly AdaptiveTemperatureUpdate[]
  dispose(): void
}

const OPTION_KEYS = ['dims', 'tauStyle', 'reading', 'floor', 'momentum', 'updateEvery', 'source', 'minGap', 'name'] as const
const READINGS: readonly AdaptiveTemperatureReading[] = ['representation', 'logits']
const SOURCES: readonly AdaptiveTemperatureSource[] = ['gradient', 'covariance']

/** Eq. 4's distance form, un-tempered: the default loss of the `'gradient'` source. */
export function untemperedDistanceLoss(f: tf.Tensor2D, fPositive: tf.Tensor2D): InfoNceTerms {
  return lpInfoNce(f, fPositive, { tau: 1, p: 2, negatives: 'batch-excluding-self' })
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  const h = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2
}

/**
 * Prop. 3's per-dimension target from a d_c estimate (pure; exported for tests): with ρ_c, ρ_s the median content and
 * style ρ, τ_c = clamp((ρ_c/ρ_s)^power · τ_s, floor, τ_s) on the first d̂_c outputs, τ_s on the rest. d̂_c = 0, or a
 * style median ρ_s ≤ 0 (no usable estimate), gives τ_s everywhere; ρ_c ≤ 0 (a δ content) gives the floor.
 */
export function prop3TargetTau(
  estimate: Pick<ContentDimsEstimate, 'contentDims' | 'values'>,
  options: { readonly dims: number; readonly tauStyle: number; readonly power: number; readonly floor: number },
): { target: number[]; rhoContent: number; rhoStyle: number; tauContentRaw: number } {
  const { dims, tauStyle, power, floor } = options
  const dc = estimate.contentDims
  const rhoContent = median(estimate.values.slice(0, dc))
  const rhoStyle = median(estimate.values.slice(dc))
  const target = new Array<number>(dims).fill(tauStyle)
  if (dc === 0 || !(rhoStyle > 0)) return { target, rhoContent, rhoStyle, tauContentRaw: tauStyle }
  const tauContentRaw = Math.pow(Math.max(rhoContent, 0) / rhoStyle, power) * tauStyle
  const tauContent = Math.min(tauStyle, Math.max(floor, tauContentRaw))
  for (let k = 0; k < dc && k < dims; k++) target[k] = tauContent
  return { target, rhoContent, rhoStyle, tauContentRaw }
}

/** One EMA step in log τ (float64): exp(m·log τ + (1 − m)·log τ_target), per dimension. */
export function emaLogTau(tau: ArrayLike<number>, target: readonly number[], momentum: number): number[] {
  return target.map((t, k) => Math.exp(momentum * Math.log(tau[k]!) + (1 - momentum) * Math.log(t)))
}

/** Conditional E[(f − f̃)(f − f̃)ᵀ] and marginal Cov(f) (float64, row-major d×d) of a batch read back. */
export function pairCovariances(f: Float32Array | Float64Array, fPositive: Float32Array | Float64Array, n: number, d: number): { conditional: number[][]; marginal: number[][] } {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a]! += f[i * d + a]! / n
  const conditional = [...Array(d)].map(() => new Array<number>(d).fill(0))
  const marginal = [...Array(d)].map(() => new Array<number>(d).fill(0))
  const diff = new Float64Array(d)
  const centred = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      diff[a] = f[i * d + a]! - fPositive[i * d + a]!
      centred[a] = f[i * d + a]! - mean[a]!
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        conditional[a]![b]! += (diff[a]! * diff[b]!) / n
        marginal[a]![b]! += (centred[a]! * centred[b]!) / (n - 1)
      }
    }
  }
  return { conditional, marginal }
}

/**
 * The adaptive temperature the paper's abstract proposes: per-dimension τ set during training from the running gradient
 * spectrum. Each {@link AdaptiveTemperature.update} estimates d̂_c and the per-component conditional/marginal variance
 * ratios ρ from the current batch (Prop. 2, `estimateContentDims`), sets Prop. 3's target τ_c = (ρ_c/ρ_s)^power·τ_s
 * (clamped to [floor, τ_s]) on the encoder's first d̂_c outputs and τ_s on the rest — as with a fixed τ, the model is
 * free to route content into the low-τ outputs — and smooths τ with an EMA in log τ.
 *
 * @example
 * ```ts
 * const adaptive = createAdaptiveTemperature({ dims: 8, source: 'gradient' })
 * const loss = () => lpInfoNce(f, fPositive, { tau: adaptive.tau }).total   // inside the training step
 * if (adaptive.shouldUpdate(step)) adaptive.update(fBatch, fBatchPositive)   // between steps, on a seeded batch
 * ```
 */
export function createAdaptiveTemperature(options: AdaptiveTemperatureOptions): AdaptiveTemperature {
  assertOptionKeys('options', options, OPTION_KEYS)
  const { dims } = options
  assertIntegerInRange('dims', dims, 2)
  const tauStyle = options.tauStyle ?? 1
  assertPositive('tauStyle', tauStyle)
  const reading = options.reading ?? 'representation'
  if (!READINGS.includes(reading)) throw new InvalidConfigError('reading', "'representation' or 'logits'", reading)
  const floor = options.floor ?? 0.01
  assertPositive('floor', floor)
  if (floor > tauStyle) throw new InvalidConfigError('floor', `a number in (0, tauStyle = ${tauStyle}]`, floor)
  const momentum = options.momentum ?? 0.9
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw new InvalidConfigError('momentum', 'a number in [0, 1)', momentum)
  const updateEvery = options.updateEvery ?? 10
  assertIntegerInRange('updateEvery', updateEvery, 1)
  const source = options.source ?? 'gradient'
  if (!SOURCES.includes(source)) throw new InvalidConfigError('source', "'gradient' or 'covariance'", source)
  const minGap = options.minGap
  if (minGap !== undefined) assertPositive('minGap', minGap)
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0)) throw new InvalidConfigError('name', 'a non-empty string', options.name)
  const power = reading === 'representation' ? 1 : 0.5

  const tau = tf.tidy(() => tf.variable(tf.fill([dims], tauStyle, 'float32'), false, options.name)) as tf.Variable<tf.Rank.R1>
  const history: AdaptiveTemperatureUpdate[] = []

  const update: AdaptiveTemperature['update'] = (f, fPositive, loss) => {
    assertPairedMatrices('f', f, 'fPositive', fPositive)
    if (f.shape[1] !== dims) throw new ShapeMismatchError('f', [null, dims], f.shape)
    const n = f.shape[0]
    if (n < 2) throw new InvalidConfigError('f', 'at least 2 rows (a batch to estimate covariances from)', n)
    if (loss !== undefined && typeof loss !== 'function') throw new InvalidConfigError('loss', 'a function (f, fPositive) => { total, align, uniform }', typeof loss)
    if (loss !== undefined && source === 'covariance') throw new InvalidConfigError('loss', "no loss with source 'covariance' (it reads covariances)", 'a function')
    const estimateOptions = minGap !== undefined ? { minGap } : {}
    const fromCovariances = () => estimateContentDims(pairCovariances(f.dataSync() as Float32Array, fPositive.dataSync() as Float32Array, n, dims), estimateOptions)
    let estimate: ContentDimsEstimate
    let read: AdaptiveTemperatureSource = source
    let fallback: string | undefined
    if (source === 'gradient') {
      const g = representationGradients(f, fPositive, loss ?? untemperedDistanceLoss)
      try {
        estimate = estimateContentDims({ align: g.align, uniform: g.uniform }, estimateOptions)
      } catch (error) {
        // Lemma 5's limit needs α_ij ≈ 1/M; on a batch where the symmetrised uniformity gradient is not negative
        // definite (e.g. distances ≫ τ, α concentrated on the nearest neighbours) read its M → ∞ limit instead.
        if (!(error instanceof InvalidConfigError) || error.field !== 'uniform') throw error
        fallback = error.message
        read = 'covariance'
        estimate = fromCovariances()
      }
    } else {
      estimate = fromCovariances()
    }
    const { target, rhoContent, rhoStyle, tauContentRaw } = prop3TargetTau(estimate, { dims, tauStyle, power, floor })
    const next = emaLogTau(tau.dataSync(), target, momentum)
    tf.tidy(() => tau.assign(tf.tensor1d(next, 'float32')))
    const result: AdaptiveTemperatureUpdate = { contentDims: estimate.contentDims, estimate, source: read, ...(fallback !== undefined ? { fallback } : {}), rhoContent, rhoStyle, tauContentRaw, target, tau: Array.from(tau.dataSync()) }
    history.push(result)
    return result
  }

  return {
    dims,
    tauStyle,
    reading,
    power,
    floor,
    momentum,
    updateEvery,
    source,
    minGap,
    tau,
    update,
    shouldUpdate: (completedSteps) => Number.isInteger(completedSteps) && completedSteps > 0 && completedSteps % updateEvery === 0,
    values: () => Float32Array.from(tau.dataSync()),
    get last() {
      return history.at(-1)
    },
    history,
    dispose: () => tau.dispose(),
  }
}
