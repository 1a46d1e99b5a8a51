/**
 * Typed errors shared by every `@cl/*` package. Match on `code` (or `name`), not only `instanceof`:
 * two copies of a package (e.g. a bundled and an installed one) produce distinct classes.
 */

/** Stable machine-readable codes of the errors `@cl/core` defines. */
export type KnownClErrorCode =
  | 'CL_INVALID_CONFIG'
  | 'CL_SHAPE_MISMATCH'
  | 'CL_NON_FINITE'
  | 'CL_TENSOR_LEAK'
  | 'CL_INTERRUPTED'
  | 'CL_DIVERGED'
  | 'CL_CHECKPOINT'

/**
 * Any toolkit error code: the known ones, or `CL_` + upper-case name for errors defined by other packages and
 * applications (`class MyError extends ClError { constructor() { super('CL_MY_ERROR', …) } }`).
 */
// `& {}` keeps the known codes as editor completions (a bare template type would absorb them).
export type ClErrorCode = KnownClErrorCode | (`CL_${Uppercase<string>}` & {})

/** The runtime form of {@link ClErrorCode}: `CL_` then upper-case letters, digits and underscores. */
const CODE_PATTERN = /^CL_[A-Z0-9_]+$/

/** Base class: every toolkit error has a stable `name` and `code`. */
export class ClError extends Error {
  readonly code: ClErrorCode
  constructor(code: ClErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = 'ClError'
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value)
  try {
    const json = JSON.stringify(value)
    return json.length > 80 ? `${json.slice(0, 77)}...` : json
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/** A configuration or argument is out of its allowed range; names the field, the allowed range and the value. */
export class InvalidConfigError extends ClError {
  readonly field: string
  readonly allowed: string
  readonly received: unknown
  constructor(field: string, allowed: string, received: unknown, options?: { cause?: unknown }) {
    super('CL_INVALID_CONFIG', `invalid ${field}: expected ${allowed}, received ${show(received)}`, options)
    this.name = 'InvalidConfigError'
    this.field = field
    this.allowed = allowed
    this.received = received
  }
}

/** Two tensors that must pair up (row by row, or column by column) do not. */
export class ShapeMismatchError extends ClError {
  readonly field: string
  readonly expected: readonly (number | null)[]
  readonly actual: readonly number[]
  constructor(field: string, expected: readonly (number | null)[], actual: readonly number[]) {
    const fmt = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? '*' : String(d))).join(', ')}]`
    super('CL_SHAPE_MISMATCH', `${field}: expected shape ${fmt(expected)}, received ${fmt(actual)}`)
    this.name = 'ShapeMismatchError'
    this.field = field
    this.expected = expected
    this.actual = actual
  }
}

/** A tensor or number that must be finite holds NaN or ±Infinity. */
export class NonFiniteError extends ClError {
  readonly field: string
  constructor(field: string, detail = 'contains NaN or Infinity') {
    super('CL_NON_FINITE', `${field} ${detail}`)
    this.name = 'NonFiniteError'
    this.field = field
  }
}

/** A computation left tensors allocated that it should have disposed. */
export class TensorLeakError extends ClError {
  readonly leaked: number
  constructor(what: string, leaked: number) {
    super('CL_TENSOR_LEAK', `${what} leaked ${leaked} tensor(s)`)
    this.name = 'TensorLeakError'
    this.leaked = leaked
  }
}

/** A long computation was stopped on request (Ctrl-C, SIGTERM); its partial state is kept for resuming. */
export class InterruptedError extends ClError {
  readonly signal: string
  constructor(signal: string) {
    super('CL_INTERRUPTED', `interrupted by ${signal}`)
    this.name = 'InterruptedError'
    this.signal = signal
  }
}

/**
 * True when `error` is a toolkit error (optionally with the given code), across duplicated module copies: it checks the
 * `code` property (a `CL_*` string), never the class identity.
 */
export function isClError<C extends ClErrorCode>(error: unknown, code?: C): error is ClError & { readonly code: C } {
  if (typeof error !== 'object' || error === null) return false
  const c = (error as { code?: unknown }).code
  return typeof c === 'string' && CODE_PATTERN.test(c) && (code === undefined || c === code)
}

/** Training stopped because |loss| exceeded a divergence threshold at `step` (1-based). */
export class DivergedError extends ClError {
  readonly step: number
  readonly loss: number
  readonly threshold: number
  constructor(what: string, step: number, loss: number, threshold: number) {
    super('CL_DIVERGED', `${what}: loss at step ${step} is ${loss}, beyond the divergence threshold |loss| > ${threshold}; the run stopped (lower the learning rate)`)
    this.name = 'DivergedError'
    this.step = step
    this.loss = loss
    this.threshold = threshold
  }
}
