import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runExperiment } from '../api.js'
import type { FinishedRun } from '../run/runner.js'

/**
 * The runs a combineSeeds test compares, on cpu: one run with `--seeds 2`, and the same config as two single-seed runs
 * (seeds 0 and 1) — what a sweep's tasks would be.
 */
export async function multiAndSingleSeedRuns(experiment: string, set: readonly string[]): Promise<{ both: FinishedRun; single: FinishedRun[] }> {
  const root = mkdtempSync(path.join(tmpdir(), `cl-${experiment}-seeds-`))
  const quiet = () => {}
  const both = await runExperiment({ experiment, set, seeds: 2, backend: 'cpu', out: path.join(root, 'both'), log: quiet })
  const single: FinishedRun[] = []
  for (const seed of [0, 1]) single.push(await runExperiment({ experiment, set, seed, backend: 'cpu', out: path.join(root, `s${seed}`), log: quiet }))
  return { both, single }
}
