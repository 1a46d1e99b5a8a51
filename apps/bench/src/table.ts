import type { BenchRow, SkippedRow, TorchResult } from './row.js'
import { TORCH_THREADS } from './torch.js'

/** Everything a report shows. `torch` is absent without `--compare-torch`; `torchNote` says why it was skipped. */
export interface BenchReport {
  readonly rows: readonly BenchRow[]
  readonly skipped: readonly SkippedRow[]
  readonly torch?: readonly TorchResult[]
  readonly torchNote?: string
}

/** Bytes as MiB (KiB below 1 MiB, so small rows do not read as 0). */
const mib = (bytes: number) => (bytes < 2 ** 20 ? `${(bytes / 2 ** 10).toFixed(0)} KiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`)

/** Steps/s with three significant digits (0.155, 3.42, 239). */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return String(rate)
  return rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3)
}

function torchOf(report: BenchReport, workload: string, n: number): TorchResult | undefined {
  return report.torch?.find((t) => t.workload === workload && t.n === n)
}

/** ours / torch's best thread count, or undefined without a torch figure. */
export function torchRatio(row: BenchRow, torch: TorchResult | undefined): number | undefined {
  return torch?.best === undefined ? undefined : row.stepsPerSecMedian / torch.best.stepsPerSec
}

/** The report as header + cell rows (shared by the text and the markdown table). */
export function tableCells(report: BenchReport): { header: string[]; cells: string[][] } {
  const withTorch = report.torch !== undefined
  const header = ['backend', 'workload', 'N', 'threads', 'steps/s (median)', 'runs × steps', 'peak RSS', 'peak tensors', 'fused loss']
  if (withTorch) header.push(...TORCH_THREADS.map((t) => `torch ${t}t`), 'ours / torch best')
  const cells: string[][] = []
  for (const r of report.rows) {
    const line = [r.backend, r.workload, String(r.n), String(r.threads), formatRate(r.stepsPerSecMedian), `${r.rates.length} × ${r.stepsPerRun}`, mib(r.peakRssBytes), mib(r.peakTensorBytes), r.fusedLoss ? 'yes' : 'no']
    if (withTorch) {
      const t = torchOf(report, r.workload, r.n)
      const ratio = torchRatio(r, t)
      line.push(...TORCH_THREADS.map((k) => (t?.byThreads.get(k) !== undefined ? formatRate(t.byThreads.get(k)!) : '–')), ratio === undefined ? '–' : `${ratio.toFixed(2)}×`)
    }
    cells.push(line)
  }
  for (const s of report.skipped) {
    const line = [s.backend, s.workload, String(s.n), String(s.threads), s.skipped, '', '', '', '']
    if (withTorch) line.push(...TORCH_THREADS.map(() => ''), '')
    cells.push(line)
  }
  return { header, cells }
}

/** Notes under the table: skipped rows' reasons and the torch comparison's note. */
export function reportNotes(report: BenchReport): string[] {
  const notes = report.skipped.map((s) => `${s.backend} ${s.workload} N=${s.n}: ${s.skipped}: ${s.reason}`)
  if (report.torchNote !== undefined) notes.push(report.torchNote)
  const version = report.torch?.find((t) => t.version !== undefined)?.version
  if (version !== undefined) notes.push(`PyTorch ${version} (OpenBLAS, jemalloc), ratio against its faster thread count`)
  return notes
}

/** A plain-text table with aligned columns, for the terminal. */
export function formatTable(report: BenchReport): string {
  const { header, cells } = tableCells(report)
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const fmt = (c: readonly string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd()
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmt), ...reportNotes(report).map((n) => `note: ${n}`)].join('\n')
}

/** The same table as GitHub markdown (`--md FILE`), notes as a list below it. */
export function formatMarkdown(report: BenchReport, title = 'cl-bench results'): string {
  const { header, cells } = tableCells(report)
  const row = (c: readonly string[]) => `| ${c.join(' | ')} |`
  const notes = reportNotes(report)
  return [`## ${title}`, '', row(header), row(header.map(() => '---')), ...cells.map(row), ...(notes.length > 0 ? ['', ...notes.map((n) => `- ${n}`)] : []), ''].join('\n')
}

/** The `--json` line of a row: the row's fields, plus the torch figures and ratio with `--compare-torch`. */
export function jsonRow(row: BenchRow, report: BenchReport): Record<string, unknown> {
  const t = torchOf(report, row.workload, row.n)
  if (report.torch === undefined) return { ...row }
  return {
    ...row,
    torchStepsPerSecByThreads: t === undefined ? {} : Object.fromEntries(t.byThreads),
    torchBestThreads: t?.best?.threads ?? null,
    ratioToTorch: torchRatio(row, t) ?? null,
  }
}
