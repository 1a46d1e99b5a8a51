import * as infonce from '@cl/infonce'

type ThreadsSetter = (threads: number) => void

/**
 * The worker-count setter of the fused InfoNCE kernel, when this build of `@cl/infonce` exports one
 * (`setPairwiseLseThreads`). Looked up at run time so the bench works before and after the kernel lands.
 */
export function threadsSetter(): ThreadsSetter | undefined {
  const candidate = (infonce as Record<string, unknown>)['setPairwiseLseThreads']
  return typeof candidate === 'function' ? (candidate as ThreadsSetter) : undefined
}

/**
 * Set the fused kernel's worker count and return the thread count the row reports: `threads` when the setter exists,
 * else 1 (every tfjs backend in Node runs the step on one thread).
 */
export function applyThreads(threads: number): number {
  const set = threadsSetter()
  if (set === undefined) return 1
  set(threads)
  return threads
}
