import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { APP_VERSION, runExperiment } from '../../api.js'
import { EXPERIMENTS } from '../../experiments/registry.js'
import { parseOverrides } from '../../run/overrides.js'
import { writeManifest, type SweepManifest, type SweepTask } from '../manifest.js'
import { collectSweep } from './collect.js'
import { sweepSummarySchema, type SweepSummary } from './summary-schema.js'

const TINY = ['train.steps=5', 'train.batchSize=32', 'evalSamples=64', 'encoder.hiddenWidths=[16]', 'generator.thresholdDraws=100']
const TAUS = [0.5, 1]
const SEEDS = 3
const FAILED = 5
const LOG_LINES = ['starting task 5', 'step 1/5', 'step 2/5', 'step 3/5', 'step 4/5', 'Error: out of memory (simulated)']

/** The sweep of the test: table1 over τ ∈ {0.5, 1} × seeds 0, 1, 2; task 5 (τ = 1, seed 2) failed. */
function manifestOf(): SweepManifest {
  const tasks: SweepTask[] = TAUS.flatMap((tau, pointIndex) =>
    Array.from({ length: SEEDS }, (_, s) => ({ index: pointIndex * SEEDS + s, point: { tau }, pointIndex, seed: s, dir: `tasks/${pointIndex * SEEDS + s}`, work: 1 })),
  )
  return {
    schemaVersion: 1,
    experiment: 'table1',
    preset: 'quick',
    grid: [{ key: 'tau', values: TAUS }],
    seed: 0,
    seeds: SEEDS,
    overrides: parseOverrides(TINY),
    backend: 'cpu',
    threads: 1,
    tasks,
    createdAt: new Date().toISOString(),
    appVersion: APP_VERSION,
  }
}

async function runTask(dir: string, task: SweepTask): Promise<void> {
  await runExperiment({ experiment: 'table1', set: [...TINY, `tau=${task.point.tau}`], seed: task.seed, backend: 'cpu', out: path.join(dir, task.dir), log: () => {} })
}

function failTask(dir: string, task: SweepTask): void {
  const run = path.join(dir, task.dir)
  mkdirSync(run, { recursive: true })
  writeFileSync(path.join(run, 'run.json'), JSON.stringify({ experiment: 'table1', preset: 'quick', seed: task.seed, seeds: 1, config: {} }))
  writeFileSync(path.join(run, 'status.json'), JSON.stringify({ state: 'failed', error: 'out of memory (simulated)' }))
  mkdirSync(path.join(dir, 'logs'), { recursive: true })
  writeFileSync(path.join(dir, 'logs', `task-${task.index}.log`), `${LOG_LINES.join('\n')}\n`)
}

/** Mean and sample std (n − 1) in float64, independently of stats.meanStd: sum of squared deviations from the mean. */
function reference(xs: number[]): { mean: number; std: number } {
  let sum = 0
  for (const x of xs) sum += x
  const mean = sum / xs.length
  let ss = 0
  for (const x of xs) ss += (x - mean) * (x - mean)
  return { mean, std: xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0 }
}

const readSummary = (dir: string): SweepSummary => sweepSummarySchema.parse(JSON.parse(readFileSync(path.join(dir, 'collected', 'summary.json'), 'utf8')))
const withoutProvenance = ({ provenance: _p, ...s }: SweepSummary) => s

describe('collectSweep (cl-reproduce collect)', () => {
  let dir: string
  const manifest = manifestOf()

  beforeAll(async () => {
    await tf.setBackend('cpu')
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'cl-collect-')), 'sweep')
    mkdirSync(dir)
    writeManifest(dir, manifest)
    for (const task of manifest.tasks) {
      if (task.index === FAILED) failTask(dir, task)
      else await runTask(dir, task)
    }
  }, 60_000)

  it('merges a 2 × 3 sweep: mean ± std per point equal a float64 recomputation, the failed task listed with its log', async () => {
    const lines: string[] = []
    const tensors = tf.memory().numTensors
    const outcome = await collectSweep(dir, { experiments: EXPERIMENTS, log: (l) => lines.push(l) })
    expect(tf.memory().numTensors).toBe(tensors)
    expect(outcome).toMatchObject({ total: 6, complete: 5, outDir: path.join(dir, 'collected') })
    expect(outcome.missing).toEqual([
      { index: FAILED, pointIndex: 1, point: { tau: 1 }, seed: 2, state: 'failed', error: 'out of memory (simulated)', log: path.join(dir, 'logs', 'task-5.log'), logTail: LOG_LINES.slice(-5) },
    ])
    expect(lines.some((l) => l.includes('replaced'))).toBe(false)
    expect(lines.at(-1)).toMatch(/5\/6 tasks complete, 1 missing or failed \(tasks 5\)/)

    const summary = readSummary(dir)
    expect(summary.tasks).toEqual({ total: 6, complete: 5, missing: 1 })
    expect(summary.seeds).toEqual({ first: 0, count: 3 })
    expect(summary.missing).toEqual([{ index: 5, pointIndex: 1, point: { tau: 1 }, seed: 2, state: 'failed', error: 'out of memory (simulated)', log: 'logs/task-5.log' }])
    expect(summary.points.map((p) => [p.point, p.seeds, p.tasks])).toEqual([
      [{ tau: 0.5 }, [0, 1, 2], [0, 1, 2]],
      [{ tau: 1 }, [0, 1], [3, 4]],
    ])
    for (const p of summary.points) {
      const perSeed = p.tasks.map((i) => JSON.parse(readFileSync(path.join(dir, 'tasks', String(i), 'result.json'), 'utf8')).metrics.perSeed)
      expect(p.scalars).toHaveLength(12)
      for (const [space, model, term, name] of [
        ['box', 'trained', 'total', 'box L_CL (f_InfoNCE)'],
        ['sphere', 'gInverse', 'uniform', 'sphere L_uniform (g⁻¹)'],
        ['sphere', 'trained', 'align', 'sphere L_align (f_InfoNCE)'],
      ] as const) {
        const xs = perSeed.map((s) => s[space][0][model][term] as number)
        const got = p.scalars.find((s) => s.name === name)!
        const want = reference(xs)
        expect(got.values).toEqual(xs)
        expect(got.n).toBe(xs.length)
        expect(Math.abs(got.mean! - want.mean)).toBeLessThanOrEqual(1e-12)
        expect(Math.abs(got.std! - want.std)).toBeLessThanOrEqual(1e-12)
        expect(got.std).toBeGreaterThan(0)
      }
      // claims: held counts over the point's seeds, as the tasks' result.json say
      const claims = p.tasks.flatMap((i) => JSON.parse(readFileSync(path.join(dir, 'tasks', String(i), 'result.json'), 'utf8')).claims as { id: string; holds: boolean }[])
      for (const c of p.claims) {
        expect(c.n).toBe(p.tasks.length)
        expect(c.held).toBe(claims.filter((x) => x.id === c.id && x.holds).length)
      }
    }

    const report = readFileSync(outcome.reportFile, 'utf8')
    for (const section of ['# Sweep: Table 1', '## Headline numbers', '### box', '### sphere', '## Claims', '## Figures', '## Per grid point', '## Missing or failed tasks']) expect(report).toContain(section)
    expect(report).toContain('backend `cpu`; 5 / 6 tasks complete')
    expect(report).toMatch(/\| 5 \| tau = 1 \| 2 \| failed \| out of memory \(simulated\) \| `logs\/task-5.log` \|/)
    expect(report).toContain(['```', ...LOG_LINES.slice(-5), '```'].join('\n'))
    expect(report).toContain('(n = 2)')
    expect(report).not.toContain(LOG_LINES[0])
    // the report's cells are the summary's numbers
    const cell = summary.points[1]!.scalars.find((s) => s.name === 'box L_CL (f_InfoNCE)')!
    expect(report).toContain(`${cell.mean!.toFixed(3)} ± ${cell.std!.toFixed(3)} (n = 2)`)

    const figures = readdirSync(path.join(outcome.outDir, 'figures'))
    expect(figures.filter((f) => f.endsWith('.svg')).sort()).toEqual(['sweep-tau-box.svg', 'sweep-tau-sphere.svg'])
    for (const f of figures.filter((x) => x.endsWith('.svg'))) {
      const svg = readFileSync(path.join(outcome.outDir, 'figures', f), 'utf8')
      expect(() => new Resvg(svg)).not.toThrow()
      expect(svg).toContain('DejaVu Sans')
      const png = readFileSync(path.join(outcome.outDir, 'figures', f.replace(/\.svg$/, '.png')))
      expect(png.length).toBeGreaterThan(1000)
      expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
      expect(report).toContain(`](figures/${f})`)
    }
    // per point: Table 1 over the point's complete seeds (combineSeeds), rendered like a run's report.md
    const point1 = readFileSync(path.join(outcome.outDir, 'point-1', 'report.md'), 'utf8')
    expect(point1).toContain('seeds 0, 1, backend `cpu`')
    expect(point1).toContain('mean ± std over 2 seeds')
    expect(existsSync(path.join(outcome.outDir, 'point-1', 'table1-losses.svg'))).toBe(true)
    expect(report).toContain('[report](point-0/report.md)')
  }, 60_000)

  it('is rerunnable: the same numbers again, and a new collect replaces collected/ and says so', async () => {
    const first = readSummary(dir)
    const lines: string[] = []
    await collectSweep(dir, { experiments: EXPERIMENTS, log: (l) => lines.push(l) })
    expect(withoutProvenance(readSummary(dir))).toEqual(withoutProvenance(first))
    expect(lines[0]).toMatch(/replaced the earlier .*collected \(5\/6 tasks complete\) with a new one \(5\/6 tasks complete\)/)
    // the failed task is rerun and completes: collect again
    const task = manifest.tasks[FAILED]!
    rmSync(path.join(dir, task.dir), { recursive: true })
    await runTask(dir, task)
    lines.length = 0
    const outcome = await collectSweep(dir, { experiments: EXPERIMENTS, log: (l) => lines.push(l) })
    expect(outcome).toMatchObject({ complete: 6, missing: [] })
    expect(lines[0]).toMatch(/\(5\/6 tasks complete\) with a new one \(6\/6 tasks complete\)/)
    expect(readFileSync(outcome.reportFile, 'utf8')).toContain('None: every task is complete.')
    expect(readdirSync(path.dirname(outcome.outDir)).filter((f) => f.startsWith('.collected'))).toEqual([])
  }, 60_000)

  it('counts a malformed result.json as a failed task naming the file', async () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'cl-collect-bad-')), 'sweep')
    cpSync(dir, copy, { recursive: true })
    const file = path.join(copy, 'tasks', '1', 'result.json')
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200))
    const outcome = await collectSweep(copy, { experiments: EXPERIMENTS, log: () => {} })
    expect(outcome.complete).toBe(5)
    expect(outcome.missing.map((m) => [m.index, m.state])).toEqual([[1, 'failed']])
    expect(outcome.missing[0]!.error).toContain(`${file} is not valid JSON`)
    expect(readSummary(copy).points[0]!.seeds).toEqual([0, 2])
    // summary.json names the file relative to the sweep (no absolute path outside provenance)
    expect(readSummary(copy).missing[0]!.error).toMatch(/^tasks\/1\/result\.json is not valid JSON/)
  }, 60_000)

  it('leaves the earlier collected/ as it was when writing the new one fails (full disk), naming the file', async () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'cl-collect-full-')), 'sweep')
    cpSync(dir, copy, { recursive: true })
    const before = readFileSync(path.join(copy, 'collected', 'report.md'), 'utf8')
    // the disk fills up at the first point report
    const writer = {
      writeFile: (file: string, data: string | Uint8Array) => {
        if (file.includes(`point-0${path.sep}report.md`)) throw new Error('ENOSPC: no space left on device')
        writeFileSync(file, data)
      },
    }
    await expect(collectSweep(copy, { experiments: EXPERIMENTS, log: () => {}, writer })).rejects.toThrow(/could not write .*report\.md.*ENOSPC/)
    expect(readFileSync(path.join(copy, 'collected', 'report.md'), 'utf8')).toBe(before)
    expect(readdirSync(copy).filter((f) => f.startsWith('.collected'))).toEqual([])
  }, 60_000)

  it('refuses a directory without sweep.json, naming it', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'cl-collect-none-'))
    await expect(collectSweep(empty, { experiments: EXPERIMENTS, log: () => {} })).rejects.toThrow(`${empty}: is not a sweep directory (no sweep.json)`)
  })
})
