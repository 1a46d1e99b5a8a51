import { InvalidConfigError } from '@cl/core'
import type { NamedVariables } from '@cl/models'
import { createAdam, resolveAdamOptions, type AdamImplementation, type AdamOptions } from './adam.js'
import type { OptimizerName, OptimizerRecord } from './checkpoint.js'
import { createLars, DEFAULT_LARS_ETA } from './lars.js'
import { resolveDecay, unitInterval, type DecayOptions, type Optimizer } from './optimizer-state.js'
import { createSgd, DEFAULT_MOMENTUM } from './sgd.js'

/** The optimizer and its hyper-parameters, as `train` takes them. */
export interface OptimizerOptions extends AdamOptions, DecayOptions {
  /** `'adam'` (default), `'sgd'` (with momentum, PyTorch), or `'lars'` (SimSiam's LARS_simclr). */
  readonly optimizer?: OptimizerName | undefined
  /** SGD's and LARS's momentum, in [0, 1), default 0.9 (not for Adam, which has `beta1`). */
  readonly momentum?: number | undefined
  /** LARS's trust coefficient η, default 1e-3 (LARS only). */
  readonly larsEta?: number | undefined
  /**
   * How Adam computes (see {@link AdamImplementation}; Adam only), default `'auto'`. All give the same bits; on wasm
   * `'ops'` is ~4× faster than the `'auto'` choice `'loop'` for a ResNet-18 (optimizers.bench.ts).
   */
  readonly adamImplementation?: AdamImplementation | undefined
}

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam', 'sgd', 'lars']

const ONLY: Record<string, readonly OptimizerName[]> = {
  beta1: ['adam'],
  beta2: ['adam'],
  epsilon: ['adam'],
  adamImplementation: ['adam'],
  momentum: ['sgd', 'lars'],
  larsEta: ['lars'],
}
const IMPLEMENTATIONS: readonly AdamImplementation[] = ['auto', 'ops', 'loop']

/** The optimizer's name, after checking that no option of another optimizer is set (typed errors name the field). */
export function resolveOptimizerName(options: OptimizerOptions): OptimizerName {
  const name = options.optimizer ?? 'adam'
  if (!OPTIMIZER_NAMES.includes(name)) throw new InvalidConfigError('optimizer', `one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')}`, name)
  for (const [field, owners] of Object.entries(ONLY)) {
    const value = (options as unknown as Record<string, unknown>)[field]
    if (value !== undefined && !owners.includes(name)) {
      throw new InvalidConfigError(field, `no value with optimizer '${name}' (it is an option of ${owners.map((n) => `'${n}'`).join(' and ')})`, value)
    }
  }
  return name
}

/**
 * Create the optimizer `options.optimizer` names for the trainable variables among `variables`, and the record a
 * checkpoint keeps of it.
 */
export function createOptimizer(variables: NamedVariables, options: OptimizerOptions): { optimizer: Optimizer; record: OptimizerRecord } {
  const name = resolveOptimizerName(options)
  const implementation = options.adamImplementation ?? 'auto'
  if (!IMPLEMENTATIONS.includes(implementation)) throw new InvalidConfigError('adamImplementation', "'auto', 'ops' or 'loop'", implementation)
  const names = [...variables].filter(([, v]) => v.trainable).map(([n]) => n)
  const { weightDecay, excluded } = resolveDecay(options, names)
  const hyperParameters: Record<string, number | string> = {}
  let optimizer: Optimizer
  if (name === 'adam') {
    Object.assign(hyperParameters, resolveAdamOptions(options))
    optimizer = createAdam(variables, options, implementation)
  } else {
    hyperParameters.learningRate = options.learningRate
    hyperParameters.momentum = unitInterval('momentum', options.momentum ?? DEFAULT_MOMENTUM)
    if (name === 'lars') hyperParameters.larsEta = options.larsEta ?? DEFAULT_LARS_ETA
    optimizer = name === 'sgd' ? createSgd(variables, options) : createLars(variables, options)
  }
  hyperParameters.weightDecay = weightDecay
  // Exclusion changes nothing without decay, except LARS's trust ratio.
  const excludedFromDecay = name === 'lars' || weightDecay > 0 ? [...excluded].sort() : []
  return { optimizer, record: { name, hyperParameters, excludedFromDecay } }
}
