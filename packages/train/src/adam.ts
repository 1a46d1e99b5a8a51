import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'
import type { NamedVariables } from '@cl/models'
import { adamLoop, type AdamLoopConstants } from './adam-loop.js'
import type { CheckpointTensors } from './checkpoint.js'
import { checkState, checkStepRate, readSlots, resolveDecay, zeroSlots, type DecayOptions, type Optimizer } from './optimizer-state.js'

/** Adam's hyper-parameters; the defaults are PyTorch's `torch.optim.Adam` (used by cl-ica and the paper's runs). */
export interface AdamOptions {
  readonly learningRate: number
  /** β₁, default 0.9. */
  readonly beta1?: number
  /** β₂, default 0.999. */
  readonly beta2?: number
  /** ε, default 1e-8 (added to √v̂, as PyTorch does). */
  readonly epsilon?: number
}

/** Adam's complete state: the integer step count t and the moments m, v per trainable variable (float32). */
export interface AdamState {
  readonly t: number
  readonly m: CheckpointTensors
  readonly v: CheckpointTensors
}

/** Adam (Kingma & Ba 2015) with PyTorch semantics; its state is plain data, so a resumed run repeats every bit. */
export interface Adam extends Optimizer {
  readonly name: 'adam'
  /** Steps taken so far (PyTorch's `state['step']`). */
  readonly t: number
  /**
   * One update with gradients by local variable name, at `learningRate` (default: the `learningRate` option).
   * Gradients are not disposed. A variable without a gradient this step keeps its value and moments (PyTorch skips
   * parameters whose `grad` is None). With weight decay, g ← g + wd·p first (PyTorch's coupled `weight_decay`; not
   * for variables excluded from decay). With t ← t + 1, bc₁ = 1 − β₁ᵗ, bc₂ = 1 − β₂ᵗ (float64, from the integer t):
   * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − (lr / bc₁) · m / (√v / √bc₂ + ε).
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, learningRate?: number): void
  /** Read the state back (one read per moment). */
  getState(): Promise<AdamState>
  /** Replace the state; shapes are checked against the variables before anything changes. */
  setState(state: AdamState): void
  /** Release the moment variables and constants (idempotent). */
  dispose(): void
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const

function checkRate(field: string, value: unknown, allowed: string, ok: (x: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new InvalidConfigError(field, allowed, value)
  return value
}

/** Validate Adam options; every field is named in the error. */
export function resolveAdamOptions(options: AdamOptions): Required<AdamOptions> {
  return {
    learningRate: checkRate('learningRate', options.learningRate, 'a finite number > 0', (x) => x > 0),
    beta1: checkRate('beta1', options.beta1 ?? ADAM_DEFAULTS.beta1, 'a number in [0, 1)', (x) => x >= 0 && x < 1),
    beta2: checkRate('beta2', options.beta2 ?? ADAM_DEFAULTS.beta2, 'a number in [0, 1)', (x) => x >= 0 && x < 1),
    epsilon: checkRate('epsilon', options.epsilon ?? ADAM_DEFAULTS.epsilon, 'a finite number > 0', (x) => x > 0),
  }
}

/**
 * How `apply` computes: `'ops'` with tfjs ops (12 kernels per parameter, moments in tf.Variables; any backend),
 * `'loop'` as one float32 JavaScript loop per parameter over the weights and gradients read back, moments in
 * Float32Arrays (adam-loop.ts; bit-identical to `'ops'` on cpu and wasm, whose float32 arithmetic is IEEE), `'auto'`
 * (default): `'loop'` when the backend at creation is cpu or wasm, where reading back is a copy, else `'ops'`.
 */
export type AdamImplementation = 'auto' | 'ops' | 'loop'

const LOOP_BACKENDS = new Set(['cpu', 'wasm'])

/**
 * Create Adam for the trainable variables among `variables` (non-trainable ones, e.g. running statistics, are left
 * alone). Moments start at zero, t at 0.
 */
export function createAdam(variables: NamedVariables, options: AdamOptions & DecayOptions, implementation: AdamImplementation = 'auto'): Adam {
  const resolved = resolveAdamOptions(options)
  const { learningRate, beta1, beta2, epsilon } = resolved
  const params = [...variables].filter(([, p]) => p.trainable)
  const { weightDecay, excluded } = resolveDecay(options, params.map(([name]) => name))
  // Per variable: the decay applied (0 = none, and no extra kernels or roundings).
  const decayOf = new Map(params.map(([name]) => [name, excluded.has(name) ? 0 : weightDecay]))
  if (implementation === 'loop' || (implementation === 'auto' && LOOP_BACKENDS.has(tf.getBackend()))) return createLoopAdam(params, resolved, decayOf)
  const m = zeroSlots(params)
  const v = zeroSlots(params)
  const wd = tf.scalar(weightDecay)
  // Constants live for the optimizer's lifetime: no per-step upload of β's.
  const b1 = tf.scalar(beta1)
  const b2 = tf.scalar(beta2)
  const oneMinusB1 = tf.scalar(1 - beta1)
  const oneMinusB2 = tf.scalar(1 - beta2)
  const eps = tf.scalar(epsilon)
  let t = 0
  let disposed = false

  return {
    name: 'adam',
    get t() {
      return t
    },
    apply(grads, lr = learningRate) {
      checkStepRate(lr)
      const step = t + 1
      const bc1 = 1 - Math.pow(beta1, step)
      const bc2 = 1 - Math.pow(beta2, step)
      tf.tidy(() => {
        const stepSize = tf.scalar(lr / bc1)
        const bc2Sqrt = tf.scalar(Math.sqrt(bc2))
        for (const [name, p] of params) {
          const gradient = grads.get(name)
          if (gradient === undefined) continue
          const g = decayOf.get(name)! > 0 ? tf.add(gradient, tf.mul(p, wd)) : gradient
          const mi = m.get(name)!
          const vi = v.get(name)!
          const mNew = tf.add(tf.mul(mi, b1), tf.mul(g, oneMinusB1))
          const vNew = tf.add(tf.mul(vi, b2), tf.mul(tf.square(g), oneMinusB2))
          const denom = tf.add(tf.div(tf.sqrt(vNew), bc2Sqrt), eps)
          p.assign(tf.sub(p, tf.mul(tf.div(mNew, denom), stepSize)))
          mi.assign(mNew)
          vi.assign(vNew)
        }
      })
      t = step
    },
    async getState() {
      return { t, m: await readSlots(m), v: await readSlots(v) }
    },
    setState(state) {
      checkState(state, params, ['m', 'v'])
      for (const [name, p] of params) {
        tf.tidy(() => {
          m.get(name)!.assign(tf.tensor(state.m[name]!.values, p.shape, 'float32'))
          v.get(name)!.assign(tf.tensor(state.v[name]!.values, p.shape, 'float32'))
        })
      }
      t = state.t
    },
    dispose() {
      if (disposed) return
      disposed = true
      tf.dispose([...m.values(), ...v.values(), b1, b2, oneMinusB1, oneMinusB2, eps, wd])
    },
  }
}

/** Adam with moments in Float32Arrays and one {@link adamLoop} per parameter: a read of p and g, one upload of p. */
function createLoopAdam(params: readonly [string, tf.Variable][], options: Required<AdamOptions>, decayOf: ReadonlyMap<string, number>): Adam {
  const { learningRate, beta1, beta2, epsilon } = options
  const m = new Map(params.map(([name, p]) => [name, new Float32Array(p.size)]))
  const v = new Map(params.map(([name, p]) => [name, new Float32Array(p.size)]))
  let t = 0
  return {
    name: 'adam',
    get t() {
      return t
    },
    apply(grads, lr = learningRate) {
      checkStepRate(lr)
      const step = t + 1
      // The float32 values the 'ops' implementation's scalars hold.
      const c: Omit<AdamLoopConstants, 'weightDecay'> = {
        beta1: Math.fround(beta1),
        oneMinusBeta1: Math.fround(1 - beta1),
        beta2: Math.fround(beta2),
        oneMinusBeta2: Math.fround(1 - beta2),
        epsilon: Math.fround(epsilon),
        stepSize: Math.fround(lr / (1 - Math.pow(beta1, step))),
        bc2Sqrt: Math.fround(Math.sqrt(1 - Math.pow(beta2, step))),
      }
      for (const [name, p] of params) {
        const g = grads.get(name)
        if (g === undefined) continue
        const mi = m.get(name)!
        const vi = v.get(name)!
        // dataSync may return the backend's own storage (cpu): the new weights go to a fresh array.
        const pOut = new Float32Array(p.size)
        adamLoop(p.dataSync() as Float32Array, g.dataSync() as Float32Array, mi, vi, { ...c, weightDecay: Math.fround(decayOf.get(name)!) }, pOut, mi, vi)
        tf.tidy(() => p.assign(tf.tensor(pOut, p.shape, 'float32')))
      }
      t = step
    },
    getState() {
      const read = (map: Map<string, Float32Array>) => {
        const out: Record<string, { shape: number[]; values: Float32Array }> = {}
        for (const [name, p] of params) out[name] = { shape: [...p.shape], values: Float32Array.from(map.get(name)!) }
        return out
      }
      return Promise.resolve({ t, m: read(m), v: read(v) })
    },
    setState(state) {
      checkState(state, params, ['m', 'v'])
      for (const [name] of params) {
        m.get(name)!.set(state.m[name]!.values)
        v.get(name)!.set(state.v[name]!.values)
      }
      t = state.t
    },
    dispose() {},
  }
}
