import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI } from './browser-env.js'

const run = promisify(execFile)

/**
 * `cl-reproduce run <experiment> --backend <backend> --threads 1 --seed <seed> --set …` with the built CLI, in a
 * temporary run directory; returns its result.json. `--threads 1`: the lab's wasm is single-threaded (no
 * cross-origin isolation), and the fused InfoNCE kernel's sums follow the thread count.
 */
export async function cliResult(experiment: string, options: { backend: string; seed: number; sets: readonly string[] }): Promise<Record<string, unknown>> {
  const out = mkdtempSync(join(tmpdir(), 'cl-lab-cli-'))
  try {
    const args = [CLI, 'run', experiment, '--backend', options.backend, '--threads', '1', '--seed', String(options.seed), '--out', join(out, 'run')]
    for (const set of options.sets) args.push('--set', set)
    await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000 })
    return JSON.parse(readFileSync(join(out, 'run', 'result.json'), 'utf8')) as Record<string, unknown>
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}
