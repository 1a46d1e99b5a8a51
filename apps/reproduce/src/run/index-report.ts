import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Experiment } from '../experiments/experiment.js'
import { resultSchema } from './result-schema.js'
import { RESULT_FILE, STATUS_FILE, writeFileAtomic } from './run-dir.js'

/** One experiment's line of the `run all` index. */
export interface IndexEntry {
  readonly id: string
  readonly title: string
  readonly paperRef: string
  /** `complete` (result.json written), else the state in status.json (`running`, `failed`, `interrupted`) or `not started`. */
  readonly status: string
  readonly claims: { id: string; description: string; measured: string; holds: boolean }[]
  readonly wallSeconds: number | null
}

/** Read what `run all` left in `<root>/<id>` for every experiment (results are read, never rewritten). */
export function collectIndex(root: string, experiments: readonly Experiment<any>[]): IndexEntry[] {
  return experiments.map((e) => {
    const dir = path.join(root, e.id)
    const base = { id: e.id, title: e.title, paperRef: e.paperRef }
    if (existsSync(path.join(dir, RESULT_FILE))) {
      const r = resultSchema.parse(JSON.parse(readFileSync(path.join(dir, RESULT_FILE), 'utf8')))
      return { ...base, status: 'complete', claims: r.claims.map(({ id, description, measured, holds }) => ({ id, description, measured, holds })), wallSeconds: r.timings.wallSeconds }
    }
    const statusFile = path.join(dir, STATUS_FILE)
    const status = existsSync(statusFile) ? String((JSON.parse(readFileSync(statusFile, 'utf8')) as { state?: unknown }).state ?? 'unknown') : 'not started'
    return { ...base, status, claims: [], wallSeconds: null }
  })
}

/**
 * The index of a `run all` directory (issue contract: "`all` — every experiment, one index report"): `index.md` with
 * one row per experiment (status, claims holding, time, link to its report) and every claim's verdict, and
 * `index.json` with the same data. Written atomically after the runs, also when one failed (its status says so).
 */
export function writeIndex(root: string, experiments: readonly Experiment<any>[]): IndexEntry[] {
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
  writeFileAtomic(path.join(root, 'index.md'), `${lines.join('\n')}\n`)
  writeFileAtomic(path.join(root, 'index.json'), `${JSON.stringify({ experiments: entries }, null, 2)}\n`)
  return entries
}
