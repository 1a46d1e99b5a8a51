import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { isClError } from '@cl/core'
import { measureRow } from './measure.js'
import type { BenchRow, RowSpec, SkippedRow } from './row.js'

/** Marks the result line a child prints on stdout; everything else it prints is passed on. */
export const ROW_MARKER = '@@cl-bench-row '
export const SKIP_MARKER = '@@cl-bench-skip '

/** A row's outcome: measured, or skipped with the reason. */
export type RowOutcome = { readonly row: BenchRow } | { readonly skipped: SkippedRow }

/** Turn an error of `measureRow` into a skipped row: the memory guard's refusal, or a failure. */
export function skippedRow(spec: RowSpec, error: unknown): SkippedRow {
  const refused = isClError(error, 'CL_INVALID_CONFIG') && (error as { name?: string }).name === 'MemoryEstimateError'
  const reason = error instanceof Error ? error.message : String(error)
  return { backend: spec.backend, workload: spec.workload, n: spec.n, threads: spec.threads, skipped: refused ? 'refused' : 'failed', reason }
}

/** Measure in this process (`--no-isolate`, tests). */
export async function measureInProcess(spec: RowSpec): Promise<RowOutcome> {
  try {
    return { row: await measureRow(spec) }
  } catch (error) {
    return { skipped: skippedRow(spec, error) }
  }
}

/** The child side of {@link measureInChild}: measure `spec` and print the marked result line. */
export async function childMain(specJson: string): Promise<number> {
  const spec = JSON.parse(specJson) as RowSpec
  const outcome = await measureInProcess(spec)
  process.stdout.write('row' in outcome ? `${ROW_MARKER}${JSON.stringify(outcome.row)}\n` : `${SKIP_MARKER}${JSON.stringify(outcome.skipped)}\n`)
  return 0
}

/**
 * Measure `spec` in a fresh Node process running `entry --child <spec>`: the peak RSS is then the row's own (the wasm
 * heap never shrinks, and `ru_maxrss` is per process), and a crash (e.g. the wasm heap's uncatchable out-of-bounds abort)
 * becomes a failed row instead of ending the benchmark. The child's other output goes to `log`.
 */
export function measureInChild(entry: string, spec: RowSpec, log: (line: string) => void): Promise<RowOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, entry, '--child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let outcome: RowOutcome | undefined
    const tail: string[] = []
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(ROW_MARKER)) outcome = { row: JSON.parse(line.slice(ROW_MARKER.length)) as BenchRow }
      else if (line.startsWith(SKIP_MARKER)) outcome = { skipped: JSON.parse(line.slice(SKIP_MARKER.length)) as SkippedRow }
      else log(line)
    })
    createInterface({ input: child.stderr }).on('line', (line) => {
      tail.push(line)
      if (tail.length > 5) tail.shift()
      log(line)
    })
    const fail = (reason: string) => resolve({ skipped: { backend: spec.backend, workload: spec.workload, n: spec.n, threads: spec.threads, skipped: 'failed', reason } })
    child.on('error', (e) => fail(`could not start the measuring process: ${e.message}`))
    child.on('close', (code, signal) => {
      if (outcome !== undefined) resolve(outcome)
      else fail(`the measuring process ended (${signal ?? `exit code ${code}`}) without a result${tail.length > 0 ? `: ${tail.at(-1)}` : ''}`)
    })
  })
}
