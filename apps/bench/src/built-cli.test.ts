import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// The built CLI measures every row in a fresh `node dist/cli.js --child …` process; only the build can run that path.
// It needs `pnpm build` first: CI builds before testing (and must not skip it); a source-only checkout skips it.
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url))
const built = existsSync(cli)
const run = promisify(execFile)

describe.runIf(built || process.env.CI === 'true')('built cl-bench', () => {
  it('measures each row in its own process and prints its JSON row on stdout, nothing else', async () => {
    const r = await run(process.execPath, [cli, '--quick', '--json', '--backend', 'wasm', '--workload', 'loss-only,linear'], { timeout: 120_000 })
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>)
    expect(rows.map((x) => [x['backend'], x['workload']])).toEqual([['wasm', 'loss-only'], ['wasm', 'linear']])
    for (const x of rows) {
      for (const k of ['stepsPerSecMedian', 'peakRssBytes', 'peakTensorBytes']) expect(x[k] as number).toBeGreaterThan(0)
      // a fresh process per row: its peak RSS is its own (a Node process with tfjs is at least ~40 MiB, far below 4 GiB)
      expect(x['peakRssBytes'] as number).toBeGreaterThan(40 * 2 ** 20)
      expect(x['peakRssBytes'] as number).toBeLessThan(4 * 2 ** 30)
    }
    expect(r.stderr).toContain('steps/s (median)')
  })
})
