/**
 * Checks a backend can put around a computation so that its failures surface as errors, never as numbers. Only WebGPU
 * needs them today (an over-limit binding otherwise prints a Dawn warning and tfjs reads back zeros); on every other
 * backend they are no-ops.
 */
export interface BackendGuards {
  /** Throw a typed error if a buffer of `bytes` cannot live on the device; `what` names it (e.g. "the B×B logits"). */
  checkFits(bytes: number, what: string): void
  /** Run `fn` so that device errors raised while it runs make it reject instead of returning corrupted results. */
  runGuarded<T>(fn: () => Promise<T>): Promise<T>
}

/** Guards of a backend that needs none: `checkFits` accepts everything, `runGuarded` just runs. */
export const NO_GUARDS: BackendGuards = {
  checkFits: () => undefined,
  runGuarded: (fn) => fn(),
}

/** The guards of a backend selection ({@link NO_GUARDS} when it carries none). */
export function guardsOf(selection: { readonly guards?: BackendGuards | undefined }): BackendGuards {
  return selection.guards ?? NO_GUARDS
}
