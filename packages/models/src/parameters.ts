import * as tf from '@tensorflow/tfjs'
import { assignVariables, serializeVariables, type NamedVariables, type SerializedWeights, type WeightsInput } from './serialize.js'

/**
 * The variables one model owns, under its scope (see naming.ts). Values are created from host arrays (seeded
 * plain-TS init), so creation is backend-independent; `dispose()` releases (and unregisters) every variable.
 */
export class ParameterStore {
  readonly scope: string
  private readonly vars = new Map<string, tf.Variable>()
  private disposed = false

  constructor(scope: string) {
    this.scope = scope
  }

  /** Create the variable `${scope}/${localName}` from float32 host values. */
  add(localName: string, values: Float32Array, shape: readonly number[], trainable: boolean): tf.Variable {
    const v = tf.tidy(() => tf.variable(tf.tensor(values, [...shape], 'float32'), trainable, `${this.scope}/${localName}`))
    this.vars.set(localName, v)
    return v
  }

  /** Every variable by local name, in creation order. */
  get named(): NamedVariables {
    return this.vars
  }

  /** The trainable variables (a fresh array, suitable as an optimizer's `varList`). */
  trainable(): tf.Variable[] {
    return [...this.vars.values()].filter((v) => v.trainable)
  }

  getWeights(): SerializedWeights {
    return serializeVariables(this.vars)
  }

  setWeights(weights: WeightsInput): void {
    assignVariables(this.vars, weights)
  }

  /** Dispose every variable; idempotent. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const v of this.vars.values()) v.dispose()
  }
}
