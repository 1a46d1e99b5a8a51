import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import type { CheckpointTensors, OptimizerName } from './checkpoint.js'

/**
 * An optimizer's complete state as plain data: the integer step count t and up to two float32 slots per trainable
 * variable (Adam: moments m and v; SGD and LARS: the momentum buffer in m, v empty). Restoring it repeats every bit.
 */
export interface OptimizerState {
  readonly t: number
  readonly m: CheckpointTensors
  readonly v: CheckpointTensors
}

/** What `train` needs of an optimizer; {@link createAdam}, {@link createSgd} and {@link createLars} return one. */
export interface Optimizer {
  readonly name: OptimizerName
  /** Updates taken so far. */
  readonly t: number
  /**
   * One update with gradients by local variable name (not disposed), at `learningRate` (default: the optimizer's
   * `learningRate` option; a schedule passes each step's rate). A variable without a gradient keeps its value and
   * state (PyTorch skips parameters whose `grad` is None).
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, learningRate?: number): void
  /** Read the state back. */
  getState(): Promise<OptimizerState>
  /** Replace the state; names and shapes are checked against the variables before anything changes. */
  setState(state: OptimizerState): void
  /** Release the state variables and constants (idempotent). */
  dispose(): void
}

/** Coupled L2 weight decay, as PyTorch's `weight_decay` (g ← g + wd·w before the update). */
export interface DecayOptions {
  /** wd ≥ 0, default 0. */
  readonly weightDecay?: number | undefined
  /**
   * Local variable names to exclude from weight decay and, for LARS, from the trust ratio (SimSiam's LARS_simclr
   * excludes biases and all BatchNorm parameters). Default: nothing excluded.
   */
  readonly excludeFromDecay?: ((localName: string) => boolean) | undefined
}

/** Validate `weightDecay` and evaluate `excludeFromDecay` on each trainable variable: the excluded local names. */
export function resolveDecay(options: DecayOptions, names: readonly string[]): { weightDecay: number; excluded: ReadonlySet<string> } {
  const weightDecay = options.weightDecay ?? 0
  if (typeof weightDecay !== 'number' || !Number.isFinite(weightDecay) || weightDecay < 0) {
    throw new InvalidConfigError('weightDecay', 'a finite number >= 0', weightDecay)
  }
  const exclude = options.excludeFromDecay
  if (exclude !== undefined && typeof exclude !== 'function') throw new InvalidConfigError('excludeFromDecay', 'a function (localName) => boolean', exclude)
  const excluded = new Set<string>()
  if (exclude !== undefined) {
    for (const name of names) {
      const out: unknown = exclude(name)
      if (typeof out !== 'boolean') throw new InvalidConfigError('excludeFromDecay', `a function returning a boolean (for '${name}')`, out)
      if (out) excluded.add(name)
    }
  }
  return { weightDecay, excluded }
}

/** A per-step learning rate: finite and ≥ 0 (a warm-up starts at 0). */
export function checkStepRate(learningRate: number): number {
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0) throw new InvalidConfigError('learningRate', 'a finite number >= 0', learningRate)
  return learningRate
}

/** A number in [0, 1) (β's, momentum). */
export function unitInterval(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) throw new InvalidConfigError(field, 'a number in [0, 1)', value)
  return value
}

/** A finite number > 0 (learning rate, ε, η). */
export function positiveFinite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) throw new InvalidConfigError(field, 'a finite number > 0', value)
  return value
}

/**
 * Check a state against the trainable variables before anything changes: t, and for each slot in `slots` one
 * float32 entry of the variable's shape per variable (no others); slots not listed must be empty. Fields are named
 * as in a checkpoint (`adam.m.<name>`).
 */
export function checkState(state: OptimizerState, params: readonly [string, tf.Variable][], slots: readonly ('m' | 'v')[]): void {
  const names = new Set(params.map(([name]) => name))
  if (!Number.isInteger(state.t) || state.t < 0) throw new InvalidConfigError('adam.t', 'an integer >= 0', state.t)
  for (const label of ['m', 'v'] as const) {
    const source = state[label]
    if (typeof source !== 'object' || source === null) throw new InvalidConfigError(`adam.${label}`, 'an object of tensors by variable name', source)
    const used = slots.includes(label)
    for (const key of Object.keys(source)) {
      if (!used) throw new InvalidConfigError(`adam.${label}.${key}`, `nothing (this optimizer keeps no '${label}' slot)`, key)
      if (!names.has(key)) throw new InvalidConfigError(`adam.${label}.${key}`, `one of the trainable variables ${[...names].join(', ')}`, key)
    }
    if (!used) continue
    for (const [name, p] of params) {
      const entry = source[name]
      if (entry === undefined) throw new InvalidConfigError(`adam.${label}.${name}`, 'a moment for every trainable variable', undefined)
      if (entry.shape.length !== p.shape.length || entry.shape.some((d, i) => d !== p.shape[i])) {
        throw new ShapeMismatchError(`adam.${label}.${name}`, p.shape, entry.shape)
      }
      if (!(entry.values instanceof Float32Array) || entry.values.length !== p.size) {
        throw new InvalidConfigError(`adam.${label}.${name}.values`, `a Float32Array of ${p.size} values`, entry.values)
      }
    }
  }
}

/** Read slot variables back (one read each). */
export async function readSlots(map: ReadonlyMap<string, tf.Variable>): Promise<CheckpointTensors> {
  const out: Record<string, { shape: number[]; values: Float32Array }> = {}
  for (const [name, x] of map) out[name] = { shape: [...x.shape], values: Float32Array.from(await x.data()) }
  return out
}

/** One zero-initialised, non-trainable float32 slot variable per trainable variable. */
export function zeroSlots(params: readonly [string, tf.Variable][]): Map<string, tf.Variable> {
  // tidy frees the zeros; variables outlive it.
  return new Map(params.map(([name, p]) => [name, tf.tidy(() => tf.variable(tf.zerosLike(p), false))]))
}

/** What distinguishes SGD from LARS inside {@link createMomentumOptimizer}. */
export interface MomentumRule<N extends OptimizerName> {
  readonly name: N
  /** The trainable variables by local name. */
  readonly params: readonly [string, tf.Variable][]
  readonly momentum: number
  /** Whether the learning rate is inside the buffer (LARS: v ← m·v + lr·…; w ← w − v) or outside (SGD: w ← w − lr·v). */
  readonly rateInBuffer: boolean
  /** The term added to m·v for one variable (created inside the update's tidy). */
  increment(name: string, p: tf.Variable, gradient: tf.Tensor, rate: tf.Scalar): tf.Tensor
  /** Tensors the rule owns, released with the optimizer. */
  readonly constants: readonly tf.Tensor[]
}

/**
 * The shell shared by SGD and LARS: one momentum buffer v per variable (zero at first, checkpointed as the state's `m`),
 * the update count and disposal. Per variable with a gradient: v ← m·v + increment (v ← increment when m = 0, without
 * touching the buffer), then w ← w − v or w ← w − lr·v.
 */
export function createMomentumOptimizer<N extends OptimizerName>(rule: MomentumRule<N>, learningRate: number): Optimizer & { readonly name: N } {
  const { params, momentum } = rule
  const buffers = zeroSlots(params)
  const m = tf.scalar(momentum)
  let t = 0
  let disposed = false
  return {
    name: rule.name,
    get t() {
      return t
    },
    apply(grads, lr = learningRate) {
      checkStepRate(lr)
      tf.tidy(() => {
        const rate = tf.scalar(lr)
        for (const [name, p] of params) {
          const gradient = grads.get(name)
          if (gradient === undefined) continue
          const step = rule.increment(name, p, gradient, rate)
          const buffer = buffers.get(name)!
          const next = momentum === 0 ? step : tf.add(tf.mul(buffer, m), step)
          p.assign(tf.sub(p, rule.rateInBuffer ? next : tf.mul(next, rate)))
          if (momentum !== 0) buffer.assign(next)
        }
      })
      t += 1
    },
    async getState() {
      return { t, m: await readSlots(buffers), v: {} }
    },
    setState(state) {
      checkState(state, params, ['m'])
      for (const [name, p] of params) tf.tidy(() => buffers.get(name)!.assign(tf.tensor(state.m[name]!.values, p.shape, 'float32')))
      t = state.t
    },
    dispose() {
      if (disposed) return
      disposed = true
      tf.dispose([...buffers.values(), m, ...rule.constants])
    },
  }
}
