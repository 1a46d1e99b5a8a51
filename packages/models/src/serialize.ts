import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, NonFiniteError, ShapeMismatchError } from '@cl/core'

/**
 * Checkpoint format: a plain JSON-able object `{ localName → { shape, values } }`. `values` are the float32 values,
 * row-major, as plain numbers (float32 → float64 → JSON → float64 → float32 is exact, so a round trip through
 * `JSON.stringify`/`JSON.parse` reproduces every bit). Names are local to the model (`dense_3/kernel`, not the
 * engine-global `mlp_encoder_2/dense_3/kernel`), so weights load into any model of the same architecture.
 * Dense kernels are stored as the tfjs kernel K = Wᵀ ([in, out]); see README "Weight-matrix convention".
 */
export interface SerializedTensor {
  readonly shape: number[]
  readonly values: number[]
}

/** A whole model's weights; see {@link SerializedTensor}. */
export type SerializedWeights = Record<string, SerializedTensor>

/** What `setWeights` accepts: {@link SerializedWeights}, or the same with `Float32Array` values. */
export type WeightsInput = Readonly<Record<string, { readonly shape: readonly number[]; readonly values: ArrayLike<number> }>>

/** A model's variables by local name (all of them, trainable or not), in a stable order. */
export type NamedVariables = ReadonlyMap<string, tf.Variable>

/** Read every variable back (a sync per variable) into the JSON-able checkpoint format. */
export function serializeVariables(variables: NamedVariables): SerializedWeights {
  const out: SerializedWeights = {}
  for (const [name, v] of variables) {
    out[name] = { shape: [...v.shape], values: Array.from(v.dataSync() as Float32Array) }
  }
  return out
}

/**
 * Assign `weights` to `variables`. All entries are validated before any variable changes: the key sets must be equal
 * (missing or unknown names throw {@link InvalidConfigError}), each shape must equal the variable's
 * ({@link ShapeMismatchError} whose `field` is the variable's local name), `values.length` must be the shape's
 * product and every value finite ({@link NonFiniteError}).
 */
export function assignVariables(variables: NamedVariables, weights: WeightsInput, root = 'weights'): void {
  if (typeof weights !== 'object' || weights === null || Array.isArray(weights)) {
    throw new InvalidConfigError(root, 'an object { name: { shape, values } }', weights)
  }
  for (const key of Object.keys(weights)) {
    if (!variables.has(key)) {
      throw new InvalidConfigError(`${root}.${key}`, `one of the variables ${[...variables.keys()].join(', ')}`, key)
    }
  }
  const checked: [tf.Variable, ArrayLike<number>][] = []
  for (const [name, v] of variables) {
    const entry = weights[name]
    if (entry === undefined || typeof entry !== 'object' || entry === null) {
      throw new InvalidConfigError(`${root}.${name}`, 'an entry { shape, values }', entry)
    }
    const { shape, values } = entry
    if (!Array.isArray(shape) || shape.length !== v.shape.length || shape.some((s, i) => s !== v.shape[i])) {
      throw new ShapeMismatchError(name, v.shape, Array.isArray(shape) ? (shape as number[]) : [])
    }
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new InvalidConfigError(`${root}.${name}.values`, 'an array of numbers', values)
    }
    if (values.length !== v.size) throw new ShapeMismatchError(`${name}.values`, [v.size], [values.length])
    for (let i = 0; i < values.length; i++) {
      const x = values[i]
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new NonFiniteError(`${root}.${name}.values[${i}]`, `is not a finite number (${String(x)})`)
    }
    checked.push([v, values])
  }
  for (const [v, values] of checked) {
    tf.tidy(() => {
      v.assign(tf.tensor(Float32Array.from(values), v.shape, 'float32'))
    })
  }
}

/** The variables of a sub-module under `prefix/`, for composed models (e.g. `backbone/dense_0/kernel`). */
export function prefixVariables(prefix: string, variables: NamedVariables): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>()
  for (const [name, v] of variables) out.set(`${prefix}/${name}`, v)
  return out
}
