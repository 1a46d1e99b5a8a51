import { availableBackends, useBackend, type BenchBackend } from './backend.js'
import { BenchBackendError } from './errors.js'
import { measureInChild, measureInProcess, skippedRow, type RowOutcome } from './child.js'
import { checkBatchFits, fusedLossActive } from './memory-guard.js'
import { planRows, type BenchRequest } from './plan.js'
import type { BenchRow, RowSpec, SkippedRow, TorchResult } from './row.js'
import type { BenchReport } from './table.js'
import { formatRate } from './table.js'
import { DEFAULT_PYTHON, probeTorch, runTorch } from './torch.js'
import { WORKLOADS } from './workloads/index.js'

/** How a request is run. */
export interface RunBenchOptions {
  /** The built CLI: each row is measured in a fresh `node <entry> --child …` process. Absent: in this process. */
  readonly entry?: string
  /** Also run the PyTorch reference for every (workload, N), at 1 and 2 threads. */
  readonly compareTorch?: boolean
  readonly python?: string
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void
}

/**
 * Run a benchmark request: plan the rows on the available backends, refuse those whose memory estimate does not fit
 * (before anything is allocated), measure the rest one after another, and optionally the PyTorch reference.
 */
export async function runBench(request: BenchRequest, options: RunBenchOptions = {}): Promise<BenchReport> {
  const log = options.log ?? (() => {})
  const { available, skipped: unavailable } = await availableBackends()
  for (const s of unavailable) log(`backend ${s.backend} skipped: ${s.reason}`)
  for (const b of request.backends ?? []) {
    if (!available.includes(b)) throw new BenchBackendError(b, unavailable.find((s) => s.backend === b)?.reason ?? 'it did not initialise')
  }
  const specs = planRows(request, available)

  // The memory guard, up front: the estimate depends on whether the backend runs the fused loss kernel.
  const fused = new Map<BenchBackend, boolean>()
  for (const b of new Set(specs.map((s) => s.backend))) {
    await useBackend(b)
    fused.set(b, fusedLossActive())
  }
  const rows: BenchRow[] = []
  const skipped: SkippedRow[] = []
  const runnable: RowSpec[] = []
  for (const spec of specs) {
    try {
      checkBatchFits(spec.workload, spec.n, WORKLOADS[spec.workload].shape, fused.get(spec.backend) ?? false)
      runnable.push(spec)
    } catch (error) {
      const s = skippedRow(spec, error)
      log(`${spec.backend} ${spec.workload} N=${spec.n}: ${s.skipped}: ${s.reason}`)
      skipped.push(s)
    }
  }
  for (const [i, spec] of runnable.entries()) {
    log(`[${i + 1}/${runnable.length}] ${spec.backend} ${spec.workload} N=${spec.n} threads=${spec.threads} …`)
    const outcome: RowOutcome = options.entry !== undefined ? await measureInChild(options.entry, spec, log) : await measureInProcess(spec)
    if ('row' in outcome) {
      rows.push(outcome.row)
      log(`  ${formatRate(outcome.row.stepsPerSecMedian)} steps/s (runs: ${outcome.row.rates.map(formatRate).join(', ')})`)
    } else {
      skipped.push(outcome.skipped)
      log(`  ${outcome.skipped.skipped}: ${outcome.skipped.reason}`)
    }
  }

  if (options.compareTorch !== true) return { rows, skipped }
  const python = options.python ?? DEFAULT_PYTHON
  const probe = probeTorch(python)
  if (!probe.ok) {
    log(`torch comparison skipped: ${probe.reason}`)
    return { rows, skipped, torch: [], torchNote: `torch comparison skipped: ${probe.reason}` }
  }
  // Every (workload, N) that was measured somewhere, with the run's settings (all rows share runs, minsec and seed).
  const torch: TorchResult[] = []
  const done = new Set<string>()
  for (const r of rows) {
    const key = `${r.workload}:${r.n}`
    const spec = runnable.find((s) => s.workload === r.workload && s.n === r.n)
    if (done.has(key) || spec === undefined) continue
    done.add(key)
    torch.push(await runTorch({ python, workload: r.workload, n: r.n, runs: spec.runs, minSeconds: spec.minSeconds, seed: spec.seed }, log))
  }
  return { rows, skipped, torch }
}
