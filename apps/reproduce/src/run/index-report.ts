import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Experiment } from '../experiments/experiment.js'
import { resultSchema } from './result-schema.js'
import { RESULT_FILE, STATUS_FILE, writeFileAtomic, type RunWriter } from './run-dir.js'
import { isRunProcessGone } from './run-lock.js'

/** One experiment's line of the `run all` index. */
export interface IndexEntry {
  readonly id: string
  readonly title: string
  readonly paperRef: string
  /** `complete` (result.json written), else the state in status.json (`running`, `failed`, `interrupted`, `stopped (process gone)`, `unreadable status.json`) or `not started`. */
  readonly status: string
  readonly claims: { id: string; description: string; measured: string; holds: boolean }[]
  readonly wallSeconds: number | null
}

/** Read a JSON file the index summarises; undefined when it is unreadable or truncated (the index says so). */
function tryReadJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

/** The state in status.json; a `running` run whose process is gone on this host is `stopped (process gone)`. */
function stateOf(statusFile: string): string {
  if (!existsSync(statusFile)) return 'not started'
  const status = tryReadJson(statusFile) as { state?: unknown; pid?: unknown; hostname?: unknown } | undefined
  if (status === undefined || typeof status.state !== 'string') return `unreadable ${STATUS_FILE}`
  if (isRunProcessGone(status)) return 'stopped (process gone)'
  return status.state
}

/** Read what `run all` left in `<root>/<id>` for every experiment (results are read, never rewritten). */
export function collectIndex(root: string, experiments: readonly Experiment<any>[]): IndexEntry[] {
  return experiments.map((e) => {
    const dir = path.join(root, e.id)
    const base = { id: e.id, title: e.title, paperRef: e.paperRef }
    if (existsSync(path.join(dir, RESULT_FILE))) {
      const parsed = resultSchema.safeParse(tryReadJson(path.join(dir, RESULT_FILE)))
      if (!parsed.success) return { ...base, status: `unreadable ${RESULT_FILE}`, claims: [], wallSeconds: null }
      const r = parsed.data
      return { ...base, status: 'complete', claims: r.claims.map(({ id, description, measured, holds }) => ({ id, description, measured, holds })), wallSeconds: r.timings.wallSeconds }
    }
    return { ...base, status: stateOf(path.join(dir, STATUS_FILE)), claims: [], wallSeconds: null }
  })
}

/**
 * The index of a `run all` directory (issue contract: "`all` — every experiment, one index report"): `index.md` with
 * one row per experiment (status, claims holding, time, link to its report) and every claim's verdict, and
 * `index.json` with the same data. Written atomically after the runs, also when one failed (its status says so).
 */
export function writeIndex(root: string, experiments: readonly Experiment<any>[], writer?: RunWriter): IndexEntry[] {
  const entries = collectIndex(root, experiments)
  const held = (e: IndexEntry) => e.claims.filter((c) => c.holds).length
  const lines = [
    '# cl-reproduce: all experiments',
    '',
    '| experiment | paper | status | claims holding | time | report |',
    '|---|---|---|---|---|---|',
    ...entries.map(
      (e) =>
        `| \`${e.id}\` | ${e.paperRef} | ${e.status} | ${e.status === 'complete' ? `${held(e)}/${e.claims.length}` : '–'} | ${e.wallSeconds === null ? '–' : `${e.wallSeconds.toFixed(0)} s`} | ${e.status === 'complete' ? `[report](${e.id}/report.md)` : '–'} |`,
    ),
    '',
    ...entries.flatMap((e) =>
      e.claims.length === 0
        ? []
        : [`## ${e.title}`, '', '| verdict | claim | measured |', '|---|---|---|', ...e.claims.map((c) => `| ${c.holds ? '✅ holds' : '❌ fails'} | ${c.description} | ${c.measured} |`), ''],
    ),
  ]
  writeFileAtomic(path.join(root, 'index.md'), `${lines.join('\n')}\n`, writer)
  writeFileAtomic(path.join(root, 'index.json'), `${JSON.stringify({ experiments: entries }, null, 2)}\n`, writer)
  return entries
}
