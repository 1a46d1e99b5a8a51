import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { InvalidConfigError } from '@cl/core'
import { signalExitCode } from './exit-codes.js'

/** A running child `cl-reproduce` process. */
export interface ChildRun {
  /** Resolves with the exit code (signals count as 128 + n, like a shell). */
  readonly done: Promise<number>
  /** Forward a signal (SIGINT / SIGTERM) so the child checkpoints and stops. */
  kill(signal: NodeJS.Signals): void
}

/** Start `cl-reproduce <args>`; every line the child prints on stdout / stderr goes to `onLine`. */
export type ChildSpawner = (args: readonly string[], onLine: (stream: 'out' | 'err', line: string) => void) => ChildRun

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }

/** Spawn `node <entry> <args>` with piped output (so its progress degrades to periodic log lines). */
export function nodeSpawner(entry: string): ChildSpawner {
  return (args, onLine) => {
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    createInterface({ input: child.stdout }).on('line', (l) => onLine('out', l))
    createInterface({ input: child.stderr }).on('line', (l) => onLine('err', l))
    const done = new Promise<number>((resolve) => {
      child.on('error', (e) => {
        onLine('err', `could not start: ${e.message}`)
        resolve(1)
      })
      child.on('close', (code, signal) => resolve(code ?? 128 + (signal !== null ? (SIGNAL_CODES[signal] ?? 1) : 1)))
    })
    return { done, kill: (signal) => void child.kill(signal) }
  }
}

/** One child run of `run all --jobs N`: which experiment, and the `cl-reproduce` arguments that run it alone. */
export interface ParallelJob {
  readonly id: string
  readonly args: readonly string[]
  /** Where the child's lines go instead of the default (stdout as is, stderr prefixed `[id]`); e.g. a log file. */
  readonly onLine?: (stream: 'out' | 'err', line: string) => void
  /** Replaces the default `[id] started: …` line. */
  readonly onStart?: () => void
  /** Called with the child's exit code; replaces the default `[id] exited with code n` line. */
  readonly onExit?: (code: number) => void
}

export interface ParallelOptions {
  /** At most this many children at once (each wasm/cpu process uses one core). */
  readonly jobs: number
  readonly spawn: ChildSpawner
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  /** Independent jobs (sweep tasks): a failure does not stop new starts; the first failing code is still returned. */
  readonly keepGoing?: boolean
}

/**
 * Run independent experiments as child processes, at most `jobs` at a time. Child stdout lines (the verdict lines) are
 * passed on as they are, stderr lines prefixed with `[id]` (unless a job routes them itself). A failure stops new starts
 * (as in the sequential `run all`; with `keepGoing`, as sweeps run, it does not) and the running ones finish; SIGINT/SIGTERM are forwarded so every child checkpoints and is marked interrupted.
 * Returns the exit code: 0, the first failing child's code, or 130 / 143 when stopped by SIGINT / SIGTERM.
 */
export async function runInParallel(jobs: readonly ParallelJob[], options: ParallelOptions): Promise<number> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new InvalidConfigError('--jobs', 'an integer >= 1', options.jobs)
  const running = new Set<ChildRun>()
  let next = 0
  let exitCode = 0
  let stopped: NodeJS.Signals | null = null
  const forward = (signal: NodeJS.Signals) => () => {
    stopped = signal
    for (const child of running) child.kill(signal)
  }
  const onSigint = forward('SIGINT')
  const onSigterm = forward('SIGTERM')
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigterm)
  try {
    const worker = async (): Promise<void> => {
      while (next < jobs.length && (exitCode === 0 || options.keepGoing === true) && stopped === null) {
        const job = jobs[next++]!
        if (job.onStart !== undefined) job.onStart()
        else options.err(`[${job.id}] started: cl-reproduce ${job.args.join(' ')}`)
        const child = options.spawn(job.args, job.onLine ?? ((stream, line) => (stream === 'out' ? options.out(line) : options.err(`[${job.id}] ${line}`))))
        running.add(child)
        const code = await child.done
        running.delete(child)
        if (job.onExit !== undefined) job.onExit(code)
        else if (code !== 0) options.err(`[${job.id}] exited with code ${code}`)
        if (code !== 0 && exitCode === 0) exitCode = code
      }
    }
    await Promise.all(Array.from({ length: Math.min(options.jobs, jobs.length) }, worker))
  } finally {
    process.removeListener('SIGINT', onSigint)
    process.removeListener('SIGTERM', onSigterm)
  }
  if (stopped !== null) return signalExitCode(stopped)
  return exitCode
}
