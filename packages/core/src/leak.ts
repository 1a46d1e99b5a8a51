import * as tf from '@tensorflow/tfjs'
import { TensorLeakError } from './errors.js'

/**
 * Run `fn`, dispose whatever tensors it returns (any nesting of arrays/objects), and report how many tensors
 * were left allocated beyond that. 0 means the code path is leak-free.
 */
export function countLeakedTensors(fn: () => tf.TensorContainer | void): number {
  const before = tf.memory().numTensors
  const result = fn()
  if (result !== undefined) tf.dispose(result)
  return tf.memory().numTensors - before
}

/** Async variant of {@link countLeakedTensors} for code that awaits (e.g. reads data back). */
export async function countLeakedTensorsAsync(fn: () => Promise<tf.TensorContainer | void>): Promise<number> {
  const before = tf.memory().numTensors
  const result = await fn()
  if (result !== undefined) tf.dispose(result)
  return tf.memory().numTensors - before
}

/**
 * Run `fn` inside `tf.tidy` and throw a {@link TensorLeakError} if tensors survive that neither `fn` returned nor
 * tidy could reclaim (variables created inside, `tf.keep`, …). Returns `fn`'s result, owned by the caller.
 */
export function withTidy<T extends tf.TensorContainer>(what: string, fn: () => T): T {
  const before = tf.memory().numTensors
  const result = tf.tidy(fn)
  const returned = countTensors(result)
  const leaked = tf.memory().numTensors - before - returned
  if (leaked !== 0) {
    tf.dispose(result)
    throw new TensorLeakError(what, leaked)
  }
  return result
}

function countTensors(container: unknown, seen = new Set<number>()): number {
  if (container instanceof tf.Tensor) {
    if (seen.has(container.id)) return 0
    seen.add(container.id)
    return 1
  }
  if (Array.isArray(container)) return container.reduce<number>((n, c) => n + countTensors(c, seen), 0)
  if (container !== null && typeof container === 'object') {
    return Object.values(container).reduce<number>((n, c) => n + countTensors(c, seen), 0)
  }
  return 0
}
