/**
 * Outcome of making one tfjs backend available in the worker (registered, not yet selected). `check` runs after
 * `tf.setBackend` succeeded and may still refuse it (e.g. WebGL without float32 render targets); `afterSelect`
 * installs what the CLI installs on the same backend (wasm: `@cl/core`'s kernels), so both compute the same numbers.
 */
export type Availability =
  | {
      readonly ok: true
      readonly detail: string
      /** A software GPU (SwiftShader, llvmpipe): `auto` skips it, as `cl-reproduce` does; a forced backend uses it. */
      readonly emulated?: boolean
      readonly check?: () => string | undefined
      readonly afterSelect?: () => void | Promise<void>
    }
  | { readonly ok: false; readonly reason: string }

/** First line of an error's message (reasons are shown in one line). */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0]?.trim() ?? ''
}
