import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, assertPositive } from '@cl/core'

/**
 * A learnable per-dimension temperature (forward-looking option; the paper fixes τ by hand, §3/Prop. 3).
 * Parametrised as τ_k = minTau + softplus(θ_k) so that τ stays > 0 under any gradient step. The follow-up
 * brendel-group/AnInfoNCE learns Λ = softplus(θ) inside −½(a−b)ᵀΛ(a−b), i.e. 1/τ_k = Λ_k/2 (`AnInfoNCELoss`); here the
 * softplus is on τ itself, so the learned quantity is directly the temperature used by the losses.
 */
export interface LearnableTemperature {
  /** Number of output dimensions d. */
  readonly dims: number
  /** The unconstrained parameter θ ([d], trainable); pass it to an optimizer's var list if you list variables. */
  readonly variable: tf.Variable<tf.Rank.R1>
  /** τ = minTau + softplus(θ) as a new [d] tensor (differentiable w.r.t. `variable`); owned by the caller/tidy. */
  tau(): tf.Tensor1D
  /** Current τ values, read back (a sync). */
  values(): Float32Array
  /** Dispose the variable. */
  dispose(): void
}

/** Options of {@link createLearnableTemperature}. */
export interface LearnableTemperatureOptions {
  /** Lower bound added to the softplus (default 0). */
  readonly minTau?: number
  /** Variable name (tfjs requires unique names); default: auto. */
  readonly name?: string
  /** Whether the variable is trainable (default true). */
  readonly trainable?: boolean
}

/** softplus⁻¹(y) = log(expm1(y)), computed stably for large y. */
function inverseSoftplus(y: number): number {
  return y > 20 ? y + Math.log(-Math.expm1(-y)) : Math.log(Math.expm1(y))
}

/** Create a learnable τ ∈ R^d initialised to `init` (a number for every dim, or d numbers; default 1). */
export function createLearnableTemperature(
  dims: number,
  init: number | ArrayLike<number> = 1,
  options: LearnableTemperatureOptions = {},
): LearnableTemperature {
  if (!Number.isInteger(dims) || dims < 1) throw new InvalidConfigError('dims', 'an integer ≥ 1', dims)
  const minTau = options.minTau ?? 0
  if (typeof minTau !== 'number' || !Number.isFinite(minTau) || minTau < 0) {
    throw new InvalidConfigError('minTau', 'a finite number ≥ 0', minTau)
  }
  const initial = typeof init === 'number' ? new Array<number>(dims).fill(init) : Array.from(init)
  if (initial.length !== dims) throw new InvalidConfigError('init', `a number or ${dims} numbers`, initial.length)
  const theta = initial.map((v, k) => {
    assertPositive(`init[${k}]`, v)
    if (!(v > minTau)) throw new InvalidConfigError(`init[${k}]`, `> minTau (${minTau})`, v)
    return inverseSoftplus(v - minTau)
  })
  const initialTensor = tf.tensor1d(theta)
  const variable = tf.variable(initialTensor, options.trainable ?? true, options.name) as tf.Variable<tf.Rank.R1>
  initialTensor.dispose()
  const tau = (): tf.Tensor1D =>
    tf.tidy(() => (minTau === 0 ? tf.softplus(variable) : tf.add(tf.softplus(variable), minTau))) as tf.Tensor1D
  return {
    dims,
    variable,
    tau,
    values: () => {
      const t = tau()
      const v = t.dataSync() as Float32Array
      t.dispose()
      return v
    },
    dispose: () => variable.dispose(),
  }
}
