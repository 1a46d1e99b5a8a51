import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TorchResult } from './row.js'
import type { WorkloadName } from './workloads/workload.js'

/** The PyTorch reference shipped with the bench (`torch/torch_reference.py`; same workloads, same rules). */
export const TORCH_SCRIPT = fileURLToPath(new URL('../torch/torch_reference.py', import.meta.url))
/** Debian's python, the one the `python3-torch` package installs into. */
export const DEFAULT_PYTHON = '/usr/bin/python3'
/** jemalloc keeps freshly mapped pages, which are slow to fault in on these VMs (the reference's fastest setup). */
export const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2'
/** Thread counts the reference runs with; the ratio is taken against the faster. */
export const TORCH_THREADS = [1, 2] as const

/** The environment of a timed reference run: jemalloc preloaded (when installed), OPENBLAS_CORETYPE unset. */
export function torchEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base }
  delete env['OPENBLAS_CORETYPE']
  if (existsSync(JEMALLOC)) {
    env['LD_PRELOAD'] = JEMALLOC
    env['MALLOC_CONF'] = 'dirty_decay_ms:-1,muzzy_decay_ms:-1'
  }
  return env
}

/** `ok` with torch's version, or the reason the comparison is skipped. */
export function probeTorch(python = DEFAULT_PYTHON): { ok: true; version: string } | { ok: false; reason: string } {
  if (!existsSync(TORCH_SCRIPT)) return { ok: false, reason: `the reference script is missing (${TORCH_SCRIPT})` }
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { env: torchEnv(), encoding: 'utf8', timeout: 60_000 })
  if (r.error !== undefined) return { ok: false, reason: `${python} cannot be run (${r.error.message})` }
  if (r.status !== 0) return { ok: false, reason: `PyTorch is not installed for ${python} (${(r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)})` }
  return { ok: true, version: r.stdout.trim() }
}

/** One line the reference prints. */
interface TorchLine {
  readonly steps_per_s_median: number
  readonly threads: number
  readonly torch?: string
}

/** Run the reference once; resolves with its parsed line, or rejects with the reason. */
export function runTorchOnce(options: {
  readonly python: string
  readonly workload: WorkloadName
  readonly n: number
  readonly threads: number
  readonly runs: number
  readonly minSeconds: number
  readonly seed: number
}): Promise<TorchLine> {
  const args = [TORCH_SCRIPT, '--workload', options.workload, '--n', String(options.n), '--threads', String(options.threads), '--runs', String(options.runs), '--minsec', String(options.minSeconds), '--seed', String(options.seed)]
  return new Promise((resolve, reject) => {
    const child = spawn(options.python, args, { env: torchEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? ''
      try {
        const parsed = JSON.parse(last) as TorchLine
        if (code === 0 && typeof parsed.steps_per_s_median === 'number') return resolve(parsed)
      } catch {
        // fall through to the error
      }
      reject(new Error(`torch_reference.py exited with ${code}: ${(err.trim().split('\n').at(-1) ?? last).slice(0, 300)}`))
    })
  })
}

/** The reference at every thread count of {@link TORCH_THREADS}; a failed thread count is left out (and logged). */
export async function runTorch(
  options: { python: string; workload: WorkloadName; n: number; runs: number; minSeconds: number; seed: number },
  log: (line: string) => void,
): Promise<TorchResult> {
  const byThreads = new Map<number, number>()
  let version: string | undefined
  for (const threads of TORCH_THREADS) {
    try {
      const line = await runTorchOnce({ ...options, threads })
      byThreads.set(threads, line.steps_per_s_median)
      version = line.torch ?? version
      log(`torch ${options.workload} N=${options.n} threads=${threads}: ${line.steps_per_s_median} steps/s`)
    } catch (error) {
      log(`torch ${options.workload} N=${options.n} threads=${threads} failed: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  let best: TorchResult['best']
  for (const [threads, stepsPerSec] of byThreads) if (best === undefined || stepsPerSec > best.stepsPerSec) best = { threads, stepsPerSec }
  return { workload: options.workload, n: options.n, byThreads, ...(best !== undefined ? { best } : {}), ...(version !== undefined ? { version } : {}) }
}
