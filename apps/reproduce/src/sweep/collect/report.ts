import path from 'node:path'
import { formatMeanStd } from '../../experiments/stats.js'
import { formatPoint } from '../grid.js'
import type { ScalarGroup } from './groups.js'
import type { MissingTask } from './tasks.js'
import type { ScalarStats, SweepSummary } from './summary-schema.js'

/** What the sweep report shows besides the summary. */
export interface SweepReportParts {
  readonly title: string
  readonly paperRef: string
  /** Backends the complete tasks ran on (result.json `backend.name`), sorted. */
  readonly backends: readonly string[]
  readonly groups: readonly ScalarGroup[]
  /** Figure files relative to the report, with captions. */
  readonly figures: readonly { readonly file: string; readonly caption: string }[]
  /** Per grid point: its combined report, relative to the report, or why there is none. */
  readonly pointReports: ReadonlyMap<number, { readonly file: string } | { readonly none: string }>
  /** The missing tasks with their log tails (summary.json lists them without). */
  readonly missing: readonly MissingTask[]
  /** Where the sweep is (log paths are shown relative to it). */
  readonly dir: string
}

/** `text` with the sweep directory's absolute prefix dropped (paths read relative to the sweep, like the links). */
export function relativePaths(text: string, dir: string): string {
  return text.split(`${dir}${path.sep}`).join('')
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** One cell "mean ± std" (3 decimals); "(n = k)" added where fewer tasks than seeds reported the scalar. */
export function scalarCell(s: ScalarStats | undefined, seeds: number): string {
  if (s === undefined) return '–'
  if (s.mean === null || s.std === null) return `n/a (non-finite; n = ${s.n})`
  const text = formatMeanStd({ mean: s.mean, std: s.std, n: s.n }, 3)
  return s.n === 1 || s.n === seeds ? text : `${text} (n = ${s.n})`
}

/** `collected/report.md`: provenance, scalars per grid point, claim hold rates, figures, point reports, missing tasks. */
export function renderSweepReport(summary: SweepSummary, parts: SweepReportParts): string {
  const { points } = summary
  const seedsText = `${summary.seeds.count} seed${summary.seeds.count === 1 ? '' : 's'} (${summary.seeds.first}–${summary.seeds.first + summary.seeds.count - 1})`
  const gridText = summary.grid.length === 0 ? 'no grid' : `grid ${summary.grid.map((a) => `${a.key} ∈ {${a.values.map((v) => JSON.stringify(v)).join(', ')}}`).join(' × ')}`
  const lines: string[] = [
    `# Sweep: ${parts.title}`,
    '',
    `Paper: ${parts.paperRef}. Experiment \`${summary.experiment}\`, preset \`${summary.preset}\`, ${gridText}, ${seedsText}, ` +
      `backend${parts.backends.length === 1 ? '' : 's'} ${parts.backends.length === 0 ? '(none: no complete task)' : parts.backends.map((b) => `\`${b}\``).join(', ')}; ` +
      `${summary.tasks.complete} / ${summary.tasks.total} tasks complete. Collected by cl-reproduce ${summary.provenance.appVersion}.`,
    '',
    '## Headline numbers',
    '',
  ]
  if (parts.groups.length === 0) lines.push('The experiment reports no headline scalars for sweeps; see the claims below and the per-point reports.', '')
  for (const group of parts.groups) {
    lines.push(
      `### ${group.name}`,
      '',
      `Mean ± std over the complete seeds of each grid point (sample std, n − 1).`,
      '',
      `| grid point | seeds | ${group.scalars.map(escapeCell).join(' | ')} |`,
      `|---|---|${group.scalars.map(() => '---').join('|')}|`,
      ...points.map((p) => `| ${escapeCell(formatPoint(p.point))} | ${p.seeds.length} | ${group.scalars.map((n) => scalarCell(p.scalars.find((s) => s.name === n), summary.seeds.count)).join(' | ')} |`),
      '',
    )
  }
  const claimIds: { id: string; description: string }[] = []
  for (const p of points) for (const c of p.claims) if (!claimIds.some((x) => x.id === c.id)) claimIds.push({ id: c.id, description: c.description })
  lines.push('## Claims', '')
  if (claimIds.length === 0) lines.push('No claims were checked (no complete task).', '')
  else {
    lines.push(
      'Seeds in which each claim held, of the seeds that checked it.',
      '',
      `| claim | ${points.map((p) => escapeCell(formatPoint(p.point))).join(' | ')} |`,
      `|---|${points.map(() => '---').join('|')}|`,
      ...claimIds.map(({ id, description }) => {
        const cells = points.map((p) => {
          const c = p.claims.find((x) => x.id === id)
          return c === undefined ? '–' : `${c.held === c.n ? '✅' : c.held === 0 ? '❌' : '⚠️'} ${c.held}/${c.n}`
        })
        return `| ${escapeCell(description)} | ${cells.join(' | ')} |`
      }),
      '',
    )
  }
  if (parts.figures.length > 0) {
    lines.push('## Figures', '')
    for (const f of parts.figures) lines.push(`![${f.caption}](${f.file})`, '', `*${f.caption}*`, '')
  }
  lines.push('## Per grid point', '')
  for (const p of points) {
    const r = parts.pointReports.get(p.pointIndex)
    const seeds = p.seeds.length === 0 ? 'no complete seed' : `seeds ${p.seeds.join(', ')}`
    lines.push(`- ${formatPoint(p.point)} (${seeds}): ${r === undefined ? 'no report' : 'file' in r ? `[report](${r.file})` : r.none}`)
  }
  lines.push('', '## Missing or failed tasks', '')
  if (parts.missing.length === 0) lines.push('None: every task is complete.')
  else {
    lines.push('| task | grid point | seed | state | error | log |', '|---|---|---|---|---|---|')
    for (const m of parts.missing) {
      lines.push(`| ${m.index} | ${escapeCell(formatPoint(m.point))} | ${m.seed} | ${m.state} | ${escapeCell(m.error === undefined ? '–' : relativePaths(m.error, parts.dir))} | \`${path.relative(parts.dir, m.log)}\` |`)
    }
    for (const m of parts.missing.filter((x) => x.logTail !== undefined && x.logTail.length > 0)) {
      lines.push('', `Task ${m.index}, last lines of \`${path.relative(parts.dir, m.log)}\`:`, '', '```', ...m.logTail!, '```')
    }
  }
  return `${lines.join('\n')}\n`
}
