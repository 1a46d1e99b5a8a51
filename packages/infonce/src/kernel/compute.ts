import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import type { PairwiseLseAttrs } from '../pairwise-lse-kernel.js'
import { FORM_DOT, FORM_P1, FORM_P2, FORM_PGEN, mainLseInstance, type LseProblem } from './instance.js'
import { lsePool, rowBounds } from './pool-node.js'
import { threadsFor } from './threads.js'

/**
 * Host-array entry points of the fused pairwise log-sum-exp (pairwise-lse-kernel.ts): validate, pick the thread
 * count, run on the calling thread or the worker pool. The tfjs kernels (register.ts) wrap these.
 */

/** Validated attrs (plain values, as tfjs attrs must be); throws InvalidConfigError naming the attribute. */
export function checkAttrs(attrs: Record<string, unknown> | undefined): PairwiseLseAttrs {
  const { form, p, excludeSelf, rowOffset } = attrs ?? {}
  if (form !== 'lp' && form !== 'dot') throw new InvalidConfigError('PairwiseLse attrs.form', "'lp' or 'dot'", form)
  if (form === 'lp' && (typeof p !== 'number' || !Number.isFinite(p) || p <= 0)) {
    throw new InvalidConfigError('PairwiseLse attrs.p', 'a finite number > 0', p)
  }
  if (typeof excludeSelf !== 'boolean') throw new InvalidConfigError('PairwiseLse attrs.excludeSelf', 'a boolean', excludeSelf)
  if (typeof rowOffset !== 'number' || !Number.isSafeInteger(rowOffset)) {
    throw new InvalidConfigError('PairwiseLse attrs.rowOffset', 'an integer', rowOffset)
  }
  return { form, p: typeof p === 'number' ? p : 2, excludeSelf, rowOffset }
}

/** The C kernel's form code. */
export function formCode(attrs: PairwiseLseAttrs): number {
  if (attrs.form === 'dot') return FORM_DOT
  if (attrs.p === 2) return FORM_P2
  if (attrs.p === 1) return FORM_P1
  return FORM_PGEN
}

/** Shapes of a [n, d], b [m, d], w [d]; throws ShapeMismatchError naming the input. */
export function checkShapes(a: readonly number[], b: readonly number[], w: readonly number[]): { n: number; m: number; d: number } {
  if (a.length !== 2) throw new ShapeMismatchError('PairwiseLse a', [null, null], a)
  const [n, d] = a as [number, number]
  if (b.length !== 2 || b[1] !== d) throw new ShapeMismatchError('PairwiseLse b', [null, d], b)
  if (w.length !== 1 || w[0] !== d) throw new ShapeMismatchError('PairwiseLse w', [d], w)
  return { n, m: b[0]!, d }
}

/** A problem from host arrays and validated attrs. */
export function lseProblem(
  a: Float32Array,
  b: Float32Array,
  w: Float32Array,
  shape: { n: number; m: number; d: number },
  attrs: PairwiseLseAttrs,
): LseProblem {
  return { a, b, w, ...shape, form: formCode(attrs), p: attrs.p, excludeSelf: attrs.excludeSelf, rowOffset: attrs.rowOffset }
}

/** lse [n] (pairwise-lse-kernel.ts forward). */
export function pairwiseLseForwardHost(pr: LseProblem): Float32Array {
  const lse = new Float32Array(pr.n)
  if (pr.n === 0) return lse
  const threads = threadsFor(pr.n, pr.m, pr.d)
  const pool = threads > 1 ? lsePool(threads - 1) : undefined
  if (pool === undefined) mainLseInstance().forward(pr, 0, pr.n, lse)
  else pool.forward(pr, rowBounds(pr.n, threads), lse)
  return lse
}

/** {da [n, d], db [m, d], dw [d]}: the gradient of Σ_i dy_i lse_i (pairwise-lse-kernel.ts backward). */
export function pairwiseLseBackwardHost(
  pr: LseProblem,
  lse: Float32Array,
  dy: Float32Array,
): { da: Float32Array; db: Float32Array; dw: Float32Array } {
  const da = new Float32Array(pr.n * pr.d)
  const db = new Float32Array(pr.m * pr.d)
  const dw = new Float32Array(pr.d)
  if (pr.n === 0) return { da, db, dw }
  const threads = threadsFor(pr.n, pr.m, pr.d)
  const pool = threads > 1 ? lsePool(threads - 1) : undefined
  if (pool === undefined) mainLseInstance().backward(pr, { lse, dy }, 0, pr.n, da, db, dw)
  else pool.backward(pr, { lse, dy }, rowBounds(pr.n, threads), da, db, dw)
  return { da, db, dw }
}
