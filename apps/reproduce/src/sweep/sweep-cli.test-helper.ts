import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** The built CLI: sweeps start `node dist/cli.js sweep task …` children, so these tests need `pnpm build` first. */
export const APP_DIR = fileURLToPath(new URL('../../', import.meta.url))
export const BUILT_CLI = path.join(APP_DIR, 'dist', 'cli.js')
/** Run the built-CLI tests when the CLI is built, and always in CI (where a missing build must fail, not skip). */
export const CLI_BUILT = existsSync(BUILT_CLI) || process.env.CI === 'true'

/** A toy table1 (seconds per task on cpu): the sweep tests' configuration. */
export function tinyTable1(steps = 20): string[] {
  return [`train.steps=${steps}`, 'train.batchSize=32', 'evalSamples=64', 'encoder.hiddenWidths=[16]', 'generator.thresholdDraws=10'].flatMap((s) => ['--set', s])
}

export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const run = promisify(execFile)

/** `node dist/cli.js <args>` to completion. */
export async function cli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeout = 180_000): Promise<CliRun> {
  try {
    const r = await run(process.execPath, [BUILT_CLI, ...args], { cwd: APP_DIR, env, timeout, maxBuffer: 64 << 20 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const r = e as { code: number; stdout: string; stderr: string }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr }
  }
}

/** Start `node dist/cli.js <args>` in the background; `done` resolves with its exit code and output. */
export function startCli(args: readonly string[]): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: APP_DIR, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr })))
  return { child, done }
}

/** Poll `check` every 100 ms until it is true; throws after `timeoutMs` naming `what`. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'))
}
