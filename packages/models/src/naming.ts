import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError } from '@cl/core'

/**
 * tf.Variable names are global to a tfjs engine: registering a name twice throws. Every model therefore lives under a
 * scope (a name prefix): `${scope}/${localName}`, e.g. `mlp_encoder_1/dense_3/kernel`. Scopes are generated
 * uniquely per process, or given by the user and checked against the live variables.
 */

const counters = new Map<string, number>()

function scopeInUse(scope: string): boolean {
  const prefix = `${scope}/`
  return Object.keys(tf.engine().registeredVariables).some((name) => name.startsWith(prefix))
}

/** A fresh scope `${base}_${n}` that no live variable uses. */
export function uniqueScope(base: string): string {
  let n = counters.get(base) ?? 0
  let scope: string
  do {
    n += 1
    scope = `${base}_${n}`
  } while (scopeInUse(scope))
  counters.set(base, n)
  return scope
}

/** Resolve the user's `name` option (checked: non-empty, no live variable under it) or generate one from `base`. */
export function resolveScope(field: string, name: unknown, base: string): string {
  if (name === undefined) return uniqueScope(base)
  if (typeof name !== 'string' || name.length === 0 || name.endsWith('/')) {
    throw new InvalidConfigError(field, 'a non-empty string not ending in "/"', name)
  }
  if (scopeInUse(name)) {
    throw new InvalidConfigError(field, 'a scope no live tf.Variable uses (dispose the old model first)', name)
  }
  return name
}
