/**
 * Node built-ins reached without a static import (`process.getBuiltinModule`, Node ≥ 20.16), so that the package
 * stays importable — and side-effect free — in browsers and bundlers, where these return undefined.
 */
import type * as NodeOs from 'node:os'
import type * as NodeWorkerThreads from 'node:worker_threads'

interface NodeProcessLike {
  readonly versions?: { readonly node?: string }
  readonly env?: Record<string, string | undefined>
  getBuiltinModule?: (id: string) => unknown
}

function nodeProcess(): NodeProcessLike | undefined {
  const p = (globalThis as { process?: NodeProcessLike }).process
  return p?.versions?.node !== undefined && typeof p.getBuiltinModule === 'function' ? p : undefined
}

/** `node:worker_threads` under Node, else undefined. */
export function nodeWorkerThreads(): typeof NodeWorkerThreads | undefined {
  return nodeProcess()?.getBuiltinModule?.('node:worker_threads') as typeof NodeWorkerThreads | undefined
}

/** `node:os` under Node, else undefined. */
export function nodeOs(): typeof NodeOs | undefined {
  return nodeProcess()?.getBuiltinModule?.('node:os') as typeof NodeOs | undefined
}

/** An environment variable under Node, else undefined. */
export function nodeEnv(name: string): string | undefined {
  return nodeProcess()?.env?.[name]
}
