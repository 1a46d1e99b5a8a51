import * as tf from '@tensorflow/tfjs'
import type { NamedVariables } from '@cl/models'
import { createMomentumOptimizer, positiveFinite, resolveDecay, unitInterval, type DecayOptions, type Optimizer } from './optimizer-state.js'
import { DEFAULT_MOMENTUM } from './sgd.js'

/** LARS's trust coefficient η when none is given: 1e-3, `trust_coef` of PatrickHua/SimSiam's LARS_simclr. */
export const DEFAULT_LARS_ETA = 1e-3

/** LARS's hyper-parameters (PatrickHua/SimSiam optimizers/lars_simclr.py). */
export interface LarsOptions extends DecayOptions {
  readonly learningRate: number
  /** m in [0, 1), default {@link DEFAULT_MOMENTUM}. The reference's effective value is 0: see {@link createLars}. */
  readonly momentum?: number | undefined
  /** Trust coefficient η > 0, default {@link DEFAULT_LARS_ETA}. */
  readonly larsEta?: number | undefined
}

/** LARS as SimCLR's (and SimSiam's LARS_simclr); its state (t, momentum buffers) is plain data. */
export interface Lars extends Optimizer {
  readonly name: 'lars'
}

/**
 * Create LARS for the trainable variables among `variables`, as `LARS_simclr.step` (PatrickHua/SimSiam
 * optimizers/lars_simclr.py, which follows SimCLR's LARS). Per variable with a gradient g:
 * - not excluded ('base' group: the weights of conv and linear layers): g ← g + wd·w;
 *   trust = η·‖w‖/‖g‖ (float32 norms, on the device), or 1 when ‖w‖ = 0 or ‖g‖ = 0; v ← m·v + (lr·trust)·g; w ← w − v.
 * - excluded ({@link DecayOptions.excludeFromDecay}; the reference's 'exclude' group: biases and BatchNorm
 *   parameters): no decay and no trust ratio, v ← m·v + lr·g; w ← w − v.
 *
 * The learning rate sits inside the buffer v (unlike {@link createSgd}, where w ← w − lr·v), as the reference's
 * `next_v = momentum * velocity + scaled_lr * grad`. Note the reference reads `velocity = self.state[p].get('velocity',
 * 0)` but never stores `next_v` back, so its velocity is always 0 and its LARS runs without momentum whatever
 * `momentum` says; `momentum: 0` reproduces it exactly, the default 0.9 is the momentum LARS intends (SimCLR).
 * Every step is ~19 tfjs kernels per 'base' variable, no data reads (the ratio stays on the device).
 */
export function createLars(variables: NamedVariables, options: LarsOptions): Lars {
  const learningRate = positiveFinite('learningRate', options.learningRate)
  const momentum = unitInterval('momentum', options.momentum ?? DEFAULT_MOMENTUM)
  const eta = positiveFinite('larsEta', options.larsEta ?? DEFAULT_LARS_ETA)
  const params = [...variables].filter(([, p]) => p.trainable)
  const { weightDecay, excluded } = resolveDecay(options, params.map(([name]) => name))
  const wd = tf.scalar(weightDecay)
  const etaScalar = tf.scalar(eta)
  const zero = tf.scalar(0)
  const one = tf.scalar(1)
  return createMomentumOptimizer(
    {
      name: 'lars',
      params,
      momentum,
      rateInBuffer: true,
      increment: (name, p, gradient, rate) => {
        if (excluded.has(name)) return tf.mul(gradient, rate)
        const g = weightDecay > 0 ? tf.add(gradient, tf.mul(p, wd)) : gradient
        const wNorm = tf.sqrt(tf.sum(tf.square(p)))
        const gNorm = tf.sqrt(tf.sum(tf.square(g)))
        const trust = tf.where(tf.logicalAnd(tf.greater(wNorm, zero), tf.greater(gNorm, zero)), tf.div(tf.mul(wNorm, etaScalar), gNorm), one)
        return tf.mul(g, tf.mul(rate, trust))
      },
      constants: [wd, etaScalar, zero, one],
    },
    learningRate,
  )
}
