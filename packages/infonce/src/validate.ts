import * as tf from '@tensorflow/tfjs'
import { InvalidConfigError, NonFiniteError, ShapeMismatchError } from '@cl/core'

/**
 * Input validation at the loss boundary. Shape, dtype and option checks are synchronous and free (no tensor data is
 * read). The non-finite check reads data back, so it is governed by {@link FiniteCheck}.
 */

/**
 * When to check inputs for NaN/±Infinity (and tensor-valued τ for τ ≤ 0):
 * - `'auto'` (default): check only when no gradient tape is recording, i.e. in eager/evaluation calls. Inside
 *   `tf.grads`, `tf.variableGrads` or `optimizer.minimize` closures (a training step) the check is skipped, so a
 *   training loop never pays a device→host sync per step unless it asks for one.
 * - `true`: always check (one reduction per input, one readback of a few floats).
 * - `false`: never check.
 */
export type FiniteCheck = boolean | 'auto'

/** Resolve a {@link FiniteCheck} setting against the current engine state. */
export function shouldCheckFinite(setting: FiniteCheck | undefined): boolean {
  if (setting === undefined || setting === 'auto') return tf.engine().state.gradientDepth === 0
  if (typeof setting !== 'boolean') throw new InvalidConfigError('checkFinite', "true, false or 'auto'", setting)
  return setting
}

/** `t` must be a float32 tensor of rank 2 with at least one row and one column. */
export function assertMatrix(field: string, t: unknown): asserts t is tf.Tensor2D {
  if (!(t instanceof tf.Tensor)) throw new InvalidConfigError(field, 'a tf.Tensor2D', t === null ? null : typeof t)
  if (t.rank !== 2) throw new ShapeMismatchError(field, [null, null], t.shape)
  if (t.dtype !== 'float32') throw new InvalidConfigError(`${field}.dtype`, "'float32'", t.dtype)
  const [rows, cols] = t.shape as [number, number]
  if (rows < 1 || cols < 1) throw new ShapeMismatchError(field, [null, null], t.shape)
}

/** `t` must have exactly `expected` (null = any size) as shape. */
export function assertShape(field: string, t: tf.Tensor, expected: readonly (number | null)[]): void {
  const ok = t.rank === expected.length && expected.every((e, i) => e === null || e === t.shape[i])
  if (!ok) throw new ShapeMismatchError(field, expected, t.shape)
}

/** A tensor whose values must be > 0 (tensor-valued temperature). */
export interface PositiveTensorCheck {
  readonly field: string
  readonly tensor: tf.Tensor
}

/**
 * Check every tensor for NaN/±Infinity and every `positive` tensor for values ≤ 0 with a single readback:
 * `sum(x · 0)` is NaN iff x holds a non-finite value (0·∞ = NaN), and `min(τ)` is compared on the host.
 * Throws {@link NonFiniteError} (or {@link InvalidConfigError} for τ ≤ 0) naming the first offending field.
 */
export function assertFinite(
  tensors: readonly (readonly [string, tf.Tensor])[],
  positive: readonly PositiveTensorCheck[] = [],
): void {
  if (tensors.length === 0 && positive.length === 0) return
  const probe = tf.tidy(() => {
    const parts: tf.Tensor[] = tensors.map(([, t]) => tf.reshape(tf.sum(tf.mul(t, 0)), [1]))
    for (const { tensor } of positive) parts.push(tf.reshape(tf.min(tensor), [1]), tf.reshape(tf.sum(tf.mul(tensor, 0)), [1]))
    return tf.concat(parts)
  })
  const values = probe.dataSync()
  probe.dispose()
  tensors.forEach(([field], i) => {
    if (!Number.isFinite(values[i])) throw new NonFiniteError(field)
  })
  positive.forEach(({ field }, j) => {
    const min = values[tensors.length + 2 * j]
    const finite = values[tensors.length + 2 * j + 1]
    if (!Number.isFinite(finite)) throw new NonFiniteError(field)
    if (!(min !== undefined && min > 0)) throw new InvalidConfigError(field, 'all entries > 0', min)
  })
}

/** Two float32 matrices whose rows pair up: `second` must have `first`'s shape. */
export function assertPairedMatrices(firstField: string, first: tf.Tensor2D, secondField: string, second: tf.Tensor2D): void {
  assertMatrix(firstField, first)
  assertMatrix(secondField, second)
  assertShape(secondField, second, first.shape)
}

/**
 * The non-finite check of a loss's inputs (undefined entries are skipped) and of a tensor τ, run when `setting` asks
 * for it (default `'auto'`: only outside gradient tapes, so training steps pay no readback).
 */
export function checkFiniteInputs(
  setting: FiniteCheck | undefined,
  inputs: readonly (readonly [string, tf.Tensor | undefined])[],
  check: PositiveTensorCheck | undefined,
): void {
  if (!shouldCheckFinite(setting)) return
  const present = inputs.filter((entry): entry is readonly [string, tf.Tensor] => entry[1] !== undefined)
  assertFinite(present, check ? [check] : [])
}
