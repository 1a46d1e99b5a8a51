import { setPairwiseLseThreads } from '@cl/infonce'

/**
 * Threads of one bench row. `threads` sizes both places a step can use more than one core: the fused InfoNCE kernel's
 * worker pool (`setPairwiseLseThreads`) and, on wasm, XNNPACK's pthread pool (`enableWasmThreads` in `@cl/core`, set
 * up by `useBackend` before the backend initialises). Returns the count the row reports.
 */
export function applyThreads(threads: number): number {
  setPairwiseLseThreads(threads)
  return threads
}
