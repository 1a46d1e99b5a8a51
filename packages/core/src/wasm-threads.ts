/**
 * Multi-threaded XNNPACK for the tfjs `wasm` backend under Node (`@tensorflow/tfjs-backend-wasm` 4.22).
 *
 * tfjs reports `WASM_HAS_MULTITHREAD_SUPPORT = false` under Node, yet its threaded-SIMD build (emscripten pthreads on
 * `worker_threads`) runs there once three browser-only assumptions are bridged for the duration of one initialisation:
 * 1. the pthread worker script is handed to `new Worker()` as a `blob:` URL, which Node refuses (`ERR_WORKER_PATH`):
 *    the script is written to a temporary `.cjs` file and its path returned instead;
 * 2. each worker loads the module factory from a Blob, but its `importScripts` can only read files: the factory's
 *    source is inlined into that worker file, with the names it closes over in tfjs's Node bundle;
 * 3. the pool size is capped at `os.cpus().length / 2` (hyper-threading guess; 1 on a 2-vCPU machine), so `os.cpus` is
 *    made to report `2 × threads` entries while the module starts.
 * Workers of running pthreads hold the event loop open; they are unref'd so the process still exits by itself.
 * Only kernels that call XNNPACK (matMul without transposes, conv2d, element-wise XNNPACK ops) use the pool; the others
 * stay single-threaded. See docs/wasm-threads.md for the measurements and failure modes.
 */
import * as tf from '@tensorflow/tfjs'
import { assertIntegerInRange, assertOptionKeys } from './validate.js'

/** The threaded build pre-creates 8 pthread workers and caps the XNNPACK pool at 8 threads (tfjs backend.cc). */
export const MAX_WASM_THREADS = 8

export interface WasmThreadsOptions {
  /** XNNPACK thread-pool size, the calling thread included: an integer in [1, {@link MAX_WASM_THREADS}]. */
  readonly threads: number
}

/** What {@link enableWasmThreads} achieved. */
export interface WasmThreadsStatus {
  /** Threads asked for by the first call. */
  readonly requested: number
  /** Threads the wasm backend's XNNPACK pool uses: 1 single-threaded, 0 when the wasm backend did not initialise. */
  readonly threads: number
  /** True when the threaded-SIMD module is running with more than one thread. */
  readonly multithreaded: boolean
  /** One line: what was done, or why it fell back. */
  readonly detail: string
}

let pending: Promise<WasmThreadsStatus> | undefined

/**
 * Initialise the tfjs `wasm` backend with an XNNPACK pool of `threads` threads and make it the active backend (as
 * `tf.setBackend('wasm')` does); call it before any other `tf.setBackend('wasm')` and after importing
 * `@tensorflow/tfjs-backend-wasm`. Never throws for an unsupported environment: it falls back to the single-threaded
 * module and says why in the returned status. Idempotent: later calls return the first call's status.
 * @throws InvalidConfigError when `threads` is not an integer in [1, {@link MAX_WASM_THREADS}].
 */
export async function enableWasmThreads(options: WasmThreadsOptions): Promise<WasmThreadsStatus> {
  assertOptionKeys('enableWasmThreads options', options, ['threads'])
  assertIntegerInRange('threads', options.threads, 1, MAX_WASM_THREADS)
  if (tf.findBackendFactory('wasm') === null) {
    // Not cached: the caller can import the backend and call again.
    return {
      requested: options.threads,
      threads: 0,
      multithreaded: false,
      detail: 'the wasm backend is not registered: import @tensorflow/tfjs-backend-wasm first',
    }
  }
  const requested = options.threads
  pending ??= initialise(requested).catch((error: unknown) => ({
    requested,
    threads: 0,
    multithreaded: false,
    detail: `the wasm backend failed to initialise: ${error instanceof Error ? error.message : String(error)}`,
  }))
  return pending
}

/** The emscripten module behind an initialised wasm backend (the parts used here). */
interface WasmModule {
  readonly tfjs: { getThreadsCount(): number }
  readonly PThread?: { readonly runningWorkers: readonly { unref(): void }[] }
}

function wasmModuleOf(backend: tf.KernelBackend): WasmModule {
  return (backend as unknown as { wasm: WasmModule }).wasm
}

async function initialise(requested: number): Promise<WasmThreadsStatus> {
  // Not tf.findBackend: it would start initialising the backend with the stock flags.
  const existing = tf.engine().registry['wasm']
  if (existing !== undefined) {
    await tf.setBackend('wasm')
    const threads = wasmModuleOf(existing).tfjs.getThreadsCount()
    return {
      requested,
      threads,
      multithreaded: threads > 1,
      detail: `the wasm backend was initialised before enableWasmThreads; it keeps ${threads} thread(s)`,
    }
  }
  const unsupported = unsupportedReason(requested)
  if (unsupported !== undefined) return singleThreaded(requested, unsupported)

  let activated = false
  let failure = 'tf.setBackend returned false'
  try {
    const bridge = await installBridge(requested)
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
    try {
      activated = await tf.setBackend('wasm')
    } finally {
      bridge.restore()
    }
    if (bridge.failure !== undefined) failure = bridge.failure
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error)
  }
  const backend = activated ? tf.findBackend('wasm') : null
  if (backend === null) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    return singleThreaded(requested, `the threaded module failed to initialise (${failure})`)
  }
  const wasm = wasmModuleOf(backend)
  // A running pthread's worker is ref'd (emscripten); XNNPACK's pool threads never end, so without this the process
  // would never exit. Idle pool workers are already unref'd.
  for (const worker of wasm.PThread?.runningWorkers ?? []) worker.unref()
  const threads = wasm.tfjs.getThreadsCount()
  return { requested, threads, multithreaded: threads > 1, detail: `threaded-SIMD module with ${threads} thread(s)` }
}

function unsupportedReason(requested: number): string | undefined {
  if (requested === 1) return '1 thread requested'
  if (typeof process !== 'object' || typeof process.versions?.node !== 'string') {
    return 'not Node: in browsers tfjs chooses the threaded build itself (cross-origin isolation + tf.wasm.setThreadsCount)'
  }
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 'SharedArrayBuffer or Atomics missing'
  if (typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') return 'Blob or URL.createObjectURL missing'
  return undefined
}

async function singleThreaded(requested: number, why: string): Promise<WasmThreadsStatus> {
  const activated = await tf.setBackend('wasm')
  const backend = activated ? tf.findBackend('wasm') : null
  if (backend === null) {
    return { requested, threads: 0, multithreaded: false, detail: `${why}; the wasm backend did not initialise either` }
  }
  const threads = wasmModuleOf(backend).tfjs.getThreadsCount()
  return { requested, threads, multithreaded: threads > 1, detail: `${why}; single-threaded module` }
}

/** Marks the worker script that the threaded factory passes through `locateFile` (tfjs `wasmWorkerContents`). */
const WORKER_MARKER = 'WasmBackendModuleThreadedSimd(Module)'
/** How tfjs prefixes the factory source it hands to workers as `mainScriptUrlOrBlob`. */
const FACTORY_PREFIX = 'var WasmBackendModuleThreadedSimd = '
/** Bundle-scope names the factory closes over in tf-backend-wasm.node.js 4.22 (`var require$$N = require(…)`). */
const BUNDLE_REQUIRES: Readonly<Record<string, string>> = { 0: 'fs', 1: 'path', 3: 'perf_hooks', 4: 'os' }
/** tslib helpers the factory may use; the worker defines the first three, any other one means an unknown build. */
const PROVIDED_HELPERS = ['__values', '__read', '__spreadArray']
const OTHER_HELPERS = ['__assign', '__awaiter', '__generator', '__extends', '__rest', '__spread', '__spreadArrays', '__await']

/** Refuse a factory whose free names this bridge does not provide (a different tfjs build): fail, don't crash a worker. */
function checkFactory(source: string): string | undefined {
  if (!source.startsWith(FACTORY_PREFIX)) return 'the threaded factory source was not captured'
  for (const match of source.matchAll(/\brequire\$\$(\d+)\b/g)) {
    if (BUNDLE_REQUIRES[match[1] ?? ''] === undefined) return `unknown bundle name require$$${match[1]} in the factory`
  }
  const unknown = OTHER_HELPERS.find((name) => new RegExp(`\\b${name}\\(`).test(source))
  return unknown === undefined ? undefined : `unknown helper ${unknown} in the factory`
}

/** Appended to tfjs's worker script: define the factory's free names and load it from this file, not a Blob. */
function workerPostlude(factorySource: string): string {
  const requires = Object.entries(BUNDLE_REQUIRES)
    .map(([n, mod]) => `global['require$$${n}'] = require(${JSON.stringify(mod)});`)
    .join('\n')
  return `
;(function () {
  global._scriptDir = __filename;
  global.commonjsGlobal = globalThis;
  ${requires}
  global.${PROVIDED_HELPERS[0]} = function (o) { return o[Symbol.iterator](); };
  global.${PROVIDED_HELPERS[1]} = function (o, n) { var out = []; for (var v of o) { if (n !== undefined && out.length >= n) break; out.push(v); } return out; };
  global.${PROVIDED_HELPERS[2]} = function (to, from) { return to.concat(Array.prototype.slice.call(from)); };
  var factorySource = ${JSON.stringify(factorySource)};
  var importFile = global.importScripts;
  global.importScripts = function (url) {
    if (String(url).startsWith('blob:')) { (0, eval)(factorySource); return; }
    return importFile(url);
  };
})();
`
}

interface Bridge {
  /** Why the worker script could not be provided, when that happened. */
  readonly failure: string | undefined
  restore(): void
}

/**
 * Patch `Blob`, `URL.createObjectURL` and `os.cpus` until {@link Bridge.restore}. Only the two Blobs tfjs builds for
 * the threaded module are rerouted; every other Blob behaves as before.
 */
async function installBridge(threads: number): Promise<Bridge> {
  const [{ default: fs }, { default: os }, { default: path }] = await Promise.all([
    import('node:fs'),
    import('node:os'),
    import('node:path'),
  ])
  const OriginalBlob = globalThis.Blob
  const originalCreateObjectURL = URL.createObjectURL
  const originalCpus = os.cpus
  const texts = new WeakMap<Blob, string>()
  let factorySource: string | undefined
  let failure: string | undefined
  let dir: string | undefined

  class CapturingBlob extends OriginalBlob {
    constructor(...args: ConstructorParameters<typeof Blob>) {
      super(...args)
      const parts = args[0]
      const text = parts?.length === 1 && typeof parts[0] === 'string' ? parts[0] : undefined
      if (text === undefined) return
      if (text.startsWith(FACTORY_PREFIX)) factorySource = text
      else if (text.includes(WORKER_MARKER)) texts.set(this, text)
    }
  }
  globalThis.Blob = CapturingBlob
  URL.createObjectURL = function createObjectURL(object: Blob): string {
    const workerScript = texts.get(object)
    if (workerScript === undefined) return originalCreateObjectURL.call(URL, object)
    try {
      const refused = checkFactory(factorySource ?? '')
      if (refused !== undefined) throw new Error(refused)
      dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cl-wasm-threads-'))
      const file = path.join(dir, 'pthread-worker.cjs')
      if (!fs.existsSync(file)) fs.writeFileSync(file, workerScript + workerPostlude(factorySource ?? ''))
      return file
    } catch (error) {
      failure ??= error instanceof Error ? error.message : String(error)
      throw error
    }
  }
  os.cpus = function cpus() {
    const real = originalCpus.call(os)
    const first = real[0]
    // tfjs sizes the pool as min(requested, cpus / 2, 8) and requests cpus / 2 by default.
    return first === undefined ? real : Array.from({ length: 2 * threads }, (_, i) => real[i] ?? first)
  }
  return {
    get failure() {
      return failure
    },
    restore() {
      globalThis.Blob = OriginalBlob
      URL.createObjectURL = originalCreateObjectURL
      os.cpus = originalCpus
      // Every worker has read the script once the module is ready; none is created later (the pool is pre-created).
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
