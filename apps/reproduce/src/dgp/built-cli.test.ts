import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// The resolve hooks only act in the built CLI (Node loads dist/dgp-hooks.js on its hooks thread), so these checks
// run `node dist/cli.js` on a copy of the example DGP in a temp dir with no node_modules anywhere above it. They need
// `pnpm build` first: CI builds before testing (and must not skip them); a source-only checkout skips them.
const app = fileURLToPath(new URL('../../', import.meta.url))
const cli = path.join(app, 'dist', 'cli.js')
const built = existsSync(cli) && existsSync(path.join(app, 'dist', 'dgp-hooks.js'))
const EXAMPLE_DGP = fileURLToPath(new URL('../../../../examples/custom-dgp/dgp.mjs', import.meta.url))
const run = promisify(execFile)

function outsideCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-dgp-outside-'))
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) expect(existsSync(path.join(d, 'node_modules'))).toBe(false)
  const file = path.join(dir, 'dgp.mjs')
  copyFileSync(EXAMPLE_DGP, file)
  return file
}

async function node(args: string[], cwd = app): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, args, { cwd, timeout: 120_000 })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const r = e as { code: number; stdout: string; stderr: string }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr }
  }
}

describe.runIf(built || process.env.CI === 'true')('built cl-reproduce with a --dgp module outside the repo', () => {
  it('runs fig1-r2-box at toy scale and writes result.json and report.md naming the module', async () => {
    const file = outsideCopy()
    const out = path.join(path.dirname(file), 'run')
    const tiny = ['train.steps=5', 'train.batchSize=32', 'evalSamples=64', 'encoder.hiddenWidths=[16]', 'generator.thresholdDraws=10'].flatMap((s) => ['--set', s])
    const r = await node([cli, 'run', 'fig1-r2-box', '--dgp', file, '--backend', 'cpu', ...tiny, '--out', out])
    expect(r.stderr).not.toMatch(/cl-reproduce:/)
    expect(r.code).toBe(0)
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'))
    expect(result.dgp).toEqual({ module: file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(`DGP: \`${file}\``)
  })

  it('the module’s @cl/* and @tensorflow/tfjs imports are the CLI’s copies: one tfjs engine', async () => {
    const file = outsideCopy()
    const script = `
      import * as tf from '@tensorflow/tfjs'
      import { loadUserDgp } from '@cl/reproduce'
      await tf.setBackend('cpu')
      const before = tf.memory().numTensors
      const dgp = (await loadUserDgp(${JSON.stringify(file)})).factory({ space: 'box', dims: 4, contentDims: 2, seed: 1 })
      const batch = dgp.sample(8)
      console.log(JSON.stringify({ sameClass: batch.x instanceof tf.Tensor, counted: tf.memory().numTensors - before, shape: batch.x.shape }))
    `
    const r = await node(['--input-type=module', '-e', script])
    expect(r.stderr).not.toMatch(/Error/)
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ sameClass: true, counted: 4, shape: [8, 4] })
  })

  it('a module importing a package the CLI does not ship fails in one line naming the file, before any directory exists', async () => {
    const dir = path.dirname(outsideCopy())
    const file = path.join(dir, 'needs-left-pad.mjs')
    writeFileSync(file, "import leftPad from 'left-pad'\nexport default () => leftPad\n")
    const r = await node([cli, 'run', 'fig1-r2-box', '--dgp', file, '--out', path.join(dir, 'never')])
    expect(r.code).toBe(2) // refused before anything is written (exit-code convention)
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^cl-reproduce: --dgp ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be loaded as an ES module: .*Cannot find package 'left-pad'`))
    expect(existsSync(path.join(dir, 'never'))).toBe(false)
  })
})
