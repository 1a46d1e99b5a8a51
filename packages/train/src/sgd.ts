import * as tf from '@tensorflow/tfjs'
import type { NamedVariables } from '@cl/models'
import { createMomentumOptimizer, positiveFinite, resolveDecay, unitInterval, type DecayOptions, type Optimizer } from './optimizer-state.js'

/** Momentum of SGD and LARS when none is given: 0.9, the value users add to SimSiam's simclr_cifar.yaml (its issues #27, #32). */
export const DEFAULT_MOMENTUM = 0.9

/** SGD's hyper-parameters (PyTorch `torch.optim.SGD` with dampening 0 and nesterov false). */
export interface SgdOptions extends DecayOptions {
  readonly learningRate: number
  /** m in [0, 1), default {@link DEFAULT_MOMENTUM}. */
  readonly momentum?: number | undefined
}

/** SGD with momentum; its state (t and the momentum buffers) is plain data, so a resumed run repeats every bit. */
export interface Sgd extends Optimizer {
  readonly name: 'sgd'
}

/**
 * Create SGD with momentum for the trainable variables among `variables`, as `torch.optim.SGD(params, lr, momentum,
 * weight_decay)` (dampening 0, nesterov false): per variable with a gradient g,
 * g ← g + wd·w (unless excluded from decay), v ← m·v + g, w ← w − lr·v.
 * The learning rate is outside the buffer (unlike {@link createLars}). The buffer starts at zero, so the first update
 * is v = g, as PyTorch's `buf = clone(d_p)`. tfjs ops only (no data reads); buffers are non-trainable variables.
 */
export function createSgd(variables: NamedVariables, options: SgdOptions): Sgd {
  const learningRate = positiveFinite('learningRate', options.learningRate)
  const momentum = unitInterval('momentum', options.momentum ?? DEFAULT_MOMENTUM)
  const params = [...variables].filter(([, p]) => p.trainable)
  const { weightDecay, excluded } = resolveDecay(options, params.map(([name]) => name))
  const decays = (name: string) => weightDecay > 0 && !excluded.has(name)
  const wd = tf.scalar(weightDecay)
  return createMomentumOptimizer(
    {
      name: 'sgd',
      params,
      momentum,
      rateInBuffer: false,
      increment: (name, p, gradient) => (decays(name) ? tf.add(gradient, tf.mul(p, wd)) : gradient),
      constants: [wd],
    },
    learningRate,
  )
}
