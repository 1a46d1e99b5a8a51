import * as tf from '@tensorflow/tfjs'
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from './cli.js'
import { measureRow } from './measure.js'
import { QUICK_MIN_SECONDS, QUICK_THRESHOLD_DRAWS } from './plan.js'
import { probeTorch } from './torch.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err }
}

const ROW_KEYS = ['backend', 'workload', 'n', 'threads', 'stepsPerSecMedian', 'peakRssBytes', 'peakTensorBytes']

// Speed is never asserted here: only the shape of what the bench reports and that its numbers are sane.
describe('cl-bench --quick', () => {
  it('prints one JSON row per workload with positive, finite numbers, and writes the markdown table', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cl-bench-'))
    const md = path.join(dir, 'bench.md')
    const c = capture()
    // one thread count (the default is 1,2 now that @cl/infonce exports setPairwiseLseThreads): one row per workload
    const code = await main(['--quick', '--json', '--backend', 'wasm', '--workload', 'all', '--threads', '1', '--md', md], c.io, undefined)
    expect(c.err.join('\n')).not.toMatch(/failed/)
    expect(code).toBe(0)
    const rows = c.out.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(rows.map((r) => r['workload'])).toEqual(['quick-mlp', 'loss-only', 'linear', 'mlp-box', 'mlp-sphere'])
    for (const r of rows) {
      for (const k of ROW_KEYS) expect(r).toHaveProperty(k)
      expect(r['backend']).toBe('wasm')
      for (const k of ['n', 'threads', 'stepsPerSecMedian', 'peakRssBytes', 'peakTensorBytes', 'lossFirst', 'lossLast']) {
        expect(Number.isFinite(r[k]), `${String(r['workload'])}.${k}`).toBe(true)
        expect(r[k] as number, `${String(r['workload'])}.${k}`).toBeGreaterThan(0)
      }
      expect(Number.isInteger(r['threads'])).toBe(true)
      expect((r['rates'] as number[]).length).toBe(3)
    }
    const table = readFileSync(md, 'utf8')
    expect(table).toMatch(/^## cl-bench results/)
    expect(table).toContain('| backend | workload | N | threads | steps/s (median) |')
    expect(table.split('\n').filter((l) => l.startsWith('| wasm |'))).toHaveLength(5)
  })

  it('measures a row without leaking tensors (cpu)', async () => {
    await measureRow({ backend: 'cpu', workload: 'loss-only', n: 32, threads: 1, runs: 3, minSeconds: QUICK_MIN_SECONDS, seed: 0, thresholdDraws: QUICK_THRESHOLD_DRAWS })
    const before = tf.memory().numTensors
    const row = await measureRow({ backend: 'cpu', workload: 'quick-mlp', n: 32, threads: 1, runs: 3, minSeconds: QUICK_MIN_SECONDS, seed: 0, thresholdDraws: QUICK_THRESHOLD_DRAWS })
    expect(tf.memory().numTensors).toBe(before)
    expect(row.backend).toBe('cpu')
    expect(row.stepsPerSecMedian).toBeGreaterThan(0)
  })
})

describe('cl-bench arguments', () => {
  it('refuses an N past the memory budget without running it, naming the largest N that fits', async () => {
    const c = capture()
    // the fused loss (its kernel registers itself on cpu) has no N×N term: the MLP's activations set the limit
    const code = await main(['--quick', '--backend', 'cpu', '--workload', 'mlp-box', '--n', '1000000'], c.io, undefined)
    expect(code).toBe(1)
    expect(c.out.join('\n')).toMatch(/mlp-box\s+1000000\s+\d+\s+refused/)
    expect(c.out.join('\n')).toMatch(/invalid n: expected at most \d+ for mlp-box/)
  })

  it('answers bad flags with a usage error (exit code 2)', async () => {
    for (const args of [['--workload', 'resnet'], ['--runs', '2'], ['--backend', 'webgpu'], ['--n', '1'], ['--minsec', '0']]) {
      const c = capture()
      expect(await main(args, c.io, undefined), args.join(' ')).toBe(2)
      expect(c.err.join('\n')).toMatch(/error: option/)
    }
  })

  it('skips the torch comparison with a message when PyTorch cannot be run', async () => {
    const c = capture()
    const code = await main(['--quick', '--backend', 'cpu', '--workload', 'loss-only', '--compare-torch', '--python', '/nonexistent/python3'], c.io, undefined)
    expect(code).toBe(0)
    expect(c.out.join('\n')).toMatch(/note: torch comparison skipped: \/nonexistent\/python3 cannot be run/)
    expect(c.out.join('\n')).toContain('ours / torch best')
  })
})

describe.runIf(probeTorch().ok)('cl-bench --compare-torch (PyTorch installed)', () => {
  // Two python processes that import torch: seconds each, more on a loaded machine.
  it('runs the reference at 1 and 2 threads and reports ours / torch', { timeout: 300_000 }, async () => {
    const c = capture()
    const code = await main(['--quick', '--json', '--backend', 'cpu', '--workload', 'loss-only', '--compare-torch'], c.io, undefined)
    expect(code).toBe(0)
    const [row] = c.out.map((l) => JSON.parse(l) as Record<string, unknown>)
    const byThreads = row!['torchStepsPerSecByThreads'] as Record<string, number>
    expect(Object.keys(byThreads).sort()).toEqual(['1', '2'])
    for (const v of Object.values(byThreads)) expect(v).toBeGreaterThan(0)
    expect(row!['ratioToTorch'] as number).toBeCloseTo((row!['stepsPerSecMedian'] as number) / Math.max(...Object.values(byThreads)), 10)
    expect(c.err.join('\n')).toMatch(/ours \/ torch best/)
  })
})
