import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { lpInfoNce } from '@cl/infonce'
import { normalizedSingularValues } from '@cl/metrics'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { CheckpointStore } from '../../train/checkpoint-store.js'
import type { ExperimentContext } from '../experiment.js'
import {
  balanceCrossing,
  contentStyleBalance,
  logDistance,
  ratioMeasures,
  readingTau,
  runTheoryTauHeuristic,
  summarizeTauHeuristic,
  supportedReading,
  tauGrid,
  theoryTauHeuristic,
  withinFactor,
  type TauRun,
  type TheoryTauHeuristicConfig,
} from './index.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const quick = theoryTauHeuristic.presets.quick

describe('theory-tau-heuristic: end to end', () => {
  it('runs at small scale through the CLI: claim ids, runs and both figures', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-tau-')), 'run')
    const err: string[] = []
    const sets = ['dims=4', 'contentDims=1', 'ratios=[0.5]', 'tauContents=[0.25,0.5,1]', 'generator.thresholdDraws=50', 'train.steps=20', 'train.batchSize=32']
    const code = await main(['run', 'theory-tau-heuristic', '--backend', 'cpu', '--out', out, ...sets.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(['reference-flat', 'ratio0.5-tau-below-style', 'ratio0.5-logits-reading', 'ratio0.5-representation-reading', 'ratio0.5-flattest-beats-equal-tau'])
    const runs = (result.metrics as { runs: TauRun[] }).runs
    expect(runs.map((r) => [r.contentDims, r.ratio, r.tauContent])).toEqual([[0, 0, 1], [1, 0.5, 0.25], [1, 0.5, 0.5], [1, 0.5, 1]])
    for (const r of runs) {
      expect(r.weights[0]).toBeCloseTo(1, 12)
      expect(r.endToEndMatrix).toHaveLength(4)
      const fromMatrix = normalizedSingularValues(r.endToEndMatrix)
      r.endToEnd.forEach((v, k) => expect(v).toBeCloseTo(fromMatrix[k]!, 10))
    }
    expect((result.metrics as { supportedReading: { reading: string } }).supportedReading.reading).toMatch(/^(logits|representation|undecided)$/)
    for (const f of ['theory-tau-heuristic-flatness', 'theory-tau-heuristic-spectra']) {
      expect(existsSync(path.join(out, `${f}.png`))).toBe(true)
      expect(readFileSync(path.join(out, `${f}.svg`), 'utf8')).toMatch(/<svg/)
    }
    expect(readFileSync(path.join(out, 'theory-tau-heuristic-flatness.svg'), 'utf8')).toMatch(/representation/)
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/reported variant|do not separate/)
  })

  it('is leak-free and resumes finished runs from the run directory without training them again', async () => {
    const config = resolveConfig(theoryTauHeuristic, 'quick', { dims: 3, contentDims: 1, ratios: [0.5], tauContents: [0.25, 1, 2], generator: { thresholdDraws: 20 }, train: { steps: 4, batchSize: 8 } })
    const logs: string[] = []
    const runDir = mkdtempSync(path.join(tmpdir(), 'cl-tau-resume-'))
    const context: ExperimentContext<TheoryTauHeuristicConfig> = {
      config,
      preset: 'quick',
      seeds: [1],
      backend: { backend: 'cpu', detail: 'test', forced: true, attempts: [] },
      runDir,
      store: new CheckpointStore(runDir),
      log: (l) => logs.push(l),
      signal: new AbortController().signal,
    }
    const before = tf.memory().numTensors
    const out = await theoryTauHeuristic.run(context)
    expect(tf.memory().numTensors).toBe(before)
    expect(out.claims).toHaveLength(5)
    const trainedLines = logs.length
    expect(trainedLines).toBeGreaterThan(0)
    const again = await runTheoryTauHeuristic(context)
    expect(logs.length).toBe(trainedLines)
    expect(again).toEqual(out.metrics.runs)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('theory-tau-heuristic: config and preflight', () => {
  it('the quick grid holds both readings of both ratios exactly (one grid step = F = 3)', () => {
    for (const ratio of quick.ratios) {
      for (const reading of ['logits', 'representation'] as const) {
        const t = readingTau(reading, ratio, quick.tauStyle)
        expect(quick.tauContents.some((g) => logDistance(g, t) < 1e-9)).toBe(true)
      }
    }
    const sorted = [...quick.tauContents].sort((a, b) => a - b)
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! / sorted[i - 1]!).toBeCloseTo(quick.claims.readingFactor, 12)
    expect(tauGrid(quick)).toHaveLength(1 + quick.ratios.length * quick.tauContents.length)
  })

  it('bad values give errors naming the field', () => {
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { tauContents: [0.1, 0.3, 3] })).toThrow(/invalid config\.tauContents: .*τ_s = 1/)
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { tauContents: [0.1, 0.1, 1] })).toThrow(/invalid config\.tauContents\.1/)
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { ratios: [0.1, 1.5] })).toThrow(/invalid config\.ratios\.1/)
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { ratios: [0.1, 0.1] })).toThrow(/invalid config\.ratios\.1/)
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { ratios: [0.1, 0.10001] })).toThrow(/invalid config\.ratios\.1: .*3 significant digits/)
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { contentDims: 8 })).toThrow(/invalid config\.contentDims/)
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { claims: { readingFactor: 1 } })).toThrow(/invalid config\.claims\.readingFactor/)
    expect(() => resolveConfig(theoryTauHeuristic, 'quick', { sigmaStyle: 0 })).toThrow(/invalid config\.sigmaStyle/)
  })

  it('preflight names a temperature that underflows float32, a batch that cannot fit, and takes no user DGP', () => {
    expect(() => theoryTauHeuristic.preflight!({ ...quick, tauContents: [1e-39, 1, 2] }, {})).toThrow(/^invalid config\.tauContents\.0: expected a temperature representable in float32/)
    expect(() => theoryTauHeuristic.preflight!({ ...quick, train: { ...quick.train, batchSize: 10_000_000 } }, {})).toThrow(/^invalid config\.train\.batchSize/)
    expect(theoryTauHeuristic.paperDgpOnly).toMatch(/sweeps σ_c/)
    expect(() => theoryTauHeuristic.preflight!(theoryTauHeuristic.presets.paper, {})).not.toThrow()
  })
})

describe('theory-tau-heuristic: formulas', () => {
  it('readings: logits τ_c = (σ_c/σ_s)·τ_s, representation (σ_c/σ_s)²·τ_s; log distances and the factor F', () => {
    expect(readingTau('logits', 1 / 3, 1)).toBeCloseTo(1 / 3, 15)
    expect(readingTau('representation', 1 / 3, 1)).toBeCloseTo(1 / 9, 15)
    expect(readingTau('representation', 0.1, 2)).toBeCloseTo(0.02, 15)
    expect(logDistance(1 / 9, 1 / 81)).toBeCloseTo(Math.log(9), 12)
    expect(logDistance(1 / 81, 1 / 9)).toBeCloseTo(Math.log(9), 12)
    expect(withinFactor(logDistance(3 ** -2, (1 / 3) ** 2 / 3), 3)).toBe(true)
    expect(withinFactor(Math.log(3.01), 3)).toBe(false)
  })

  it('the representation reading: scaling the content outputs by 1/s equals the logit temperature s² (Lp-InfoNCE, p = 2)', () => {
    const before = tf.memory().numTensors
    const s = 0.2
    const z = [[0.3, -0.1, 0.7], [0.9, 0.4, -0.2], [-0.5, 0.6, 0.1], [0.2, 0.2, 0.8]]
    const zp = z.map((r, i) => r.map((v, k) => v + 0.05 * Math.cos(i + 2 * k)))
    const scaled = (m: number[][]) => m.map((r) => r.map((v, k) => (k === 0 ? v / s : v)))
    const values = tf.tidy(() => {
      const a = lpInfoNce(tf.tensor2d(scaled(z)), tf.tensor2d(scaled(zp)), { tau: 1, p: 2 }).total
      const b = lpInfoNce(tf.tensor2d(z), tf.tensor2d(zp), { tau: [s * s, 1, 1], p: 2 }).total
      return [a.dataSync()[0]!, b.dataSync()[0]!]
    })
    expect(values[0]).toBeCloseTo(values[1]!, 4)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('content/style balance of W·A_g: ratio of the mean column norms (closed form)', () => {
    // columns: content (3, 4) → 5 and (0, 2) → 2; style (1, 0) → 1 and (0, 0.5) → 0.5
    const h = [
      [3, 0, 1, 0],
      [4, 2, 0, 0.5],
    ]
    expect(contentStyleBalance(h, 2)).toBeCloseTo(3.5 / 0.75, 12)
    expect(contentStyleBalance(h, 1)).toBeCloseTo(5 / ((2 + 1 + 0.5) / 3), 12)
    expect(contentStyleBalance(h, 0)).toBeNaN()
  })

  it('balance crossing: log-log interpolation recovers τ_0 of balance = (τ/τ_0)^½, null without a crossing', () => {
    const tau0 = 0.02
    const points = [3 ** -6, 3 ** -4, 3 ** -2, 1].map((t) => ({ tauContent: t, balance: Math.sqrt(t / tau0) }))
    expect(balanceCrossing(points)).toBeCloseTo(tau0, 12)
    expect(balanceCrossing(points.map((p) => ({ ...p, balance: 2 })))).toBeNull()
    expect(balanceCrossing([{ tauContent: 0.1, balance: 1 }, { tauContent: 1, balance: 3 }])).toBe(0.1)
  })
})

/** Constructed runs: distance of W to the reference = 3x/4 for a W spectrum [1, 0.9 − x, 0.8 − x, 0.7 − x]. */
function constructed(config: TheoryTauHeuristicConfig, distanceOf: (ratio: number, tau: number) => number, reference: number[] = [1, 0.98, 0.97, 0.95]): TauRun[] {
  const refWeights = [1, 0.9, 0.8, 0.7]
  const map = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
  const run = (ratio: number, dc: number, tau: number, weights: number[], endToEnd: number[]): TauRun => ({
    ratio, contentDims: dc, sigmaContent: ratio * config.sigmaStyle, tauContent: tau, seed: 0, weights, endToEnd, effective: endToEnd, endToEndMatrix: map, finalLoss: 1, lossHistory: [],
  })
  return [
    run(0, 0, config.tauStyle, refWeights, reference),
    ...config.ratios.flatMap((ratio) =>
      config.tauContents.map((tau) => {
        const x = (4 / 3) * distanceOf(ratio, tau)
        return run(ratio, config.contentDims, tau, refWeights.map((v, k) => (k === 0 ? 1 : v - x)), [1, 0.5, 0.3, 0.2])
      }),
    ),
  ]
}

describe('theory-tau-heuristic: claims on constructed spectra', () => {
  const config: TheoryTauHeuristicConfig = { ...quick, dims: 4, contentDims: 2 }
  /** A V-shaped distance in log τ with its minimum at `at(ratio)`, `depth` below the far values. */
  const valley = (at: (ratio: number) => number, floor = 0.02) => (ratio: number, tau: number) => Math.min(0.3, floor + 0.05 * logDistance(tau, at(ratio)))
  const holds = async (runs: TauRun[], c = config) => (await summarizeTauHeuristic(c, runs)).claims.map((x) => [x.id, x.holds])

  it('representation-like data: (a), (c), (d) hold; (b) only where the readings are one grid step apart', async () => {
    const runs = constructed(config, valley((r) => r * r))
    const out = await summarizeTauHeuristic(config, runs)
    expect(out.claims.map((c) => [c.id, c.holds])).toEqual([
      ['reference-flat', true],
      ['ratio0.111-tau-below-style', true],
      ['ratio0.111-logits-reading', false],
      ['ratio0.111-representation-reading', true],
      ['ratio0.111-flattest-beats-equal-tau', true],
      ['ratio0.333-tau-below-style', true],
      ['ratio0.333-logits-reading', true],
      ['ratio0.333-representation-reading', true],
      ['ratio0.333-flattest-beats-equal-tau', true],
    ])
    expect(out.metrics.supportedReading).toEqual({ reading: 'representation', basis: 'claims' })
    expect(out.reportMarkdown).toMatch(/support the \*\*representation\*\* reading/)
    // the distance the claims read is W's mean |Δσ| to the reference: 0.02 at the valley's floor
    const m = ratioMeasures(config, runs)
    expect(m[0]!.best.distance).toBeCloseTo(0.02, 12)
    expect(m[0]!.bestTau).toBeCloseTo(1 / 81, 12)
    expect(out.figures.map((f) => f.name)).toEqual(['theory-tau-heuristic-flatness', 'theory-tau-heuristic-spectra'])
  })

  it('logits-like data: the logits reading is supported, the representation one fails where they are apart', async () => {
    const out = await summarizeTauHeuristic(config, constructed(config, valley((r) => r)))
    expect(out.claims.filter((c) => /reading/.test(c.id)).map((c) => [c.id, c.holds])).toEqual([
      ['ratio0.111-logits-reading', true],
      ['ratio0.111-representation-reading', false],
      ['ratio0.333-logits-reading', true],
      ['ratio0.333-representation-reading', true],
    ])
    expect(out.metrics.supportedReading).toEqual({ reading: 'logits', basis: 'claims' })
  })

  it('(a) fails when the flattest τ_c is above or at τ_s; (d) fails when it is τ_s itself', async () => {
    const above = await holds(constructed(config, valley(() => 3)))
    expect(above.filter(([id]) => /tau-below-style/.test(id as string)).map(([, h]) => h)).toEqual([false, false])
    const atTauS = await holds(constructed(config, valley(() => config.tauStyle)))
    expect(atTauS.filter(([id]) => /tau-below-style|flattest-beats/.test(id as string)).map(([, h]) => h)).toEqual([false, false, false, false])
  })

  it('(b)/(c) fail when τ* sits at the edge of the grid, even on a reading', async () => {
    const edge: TheoryTauHeuristicConfig = { ...config, ratios: [1 / 9], tauContents: [1 / 81, 1 / 27, 1 / 9, 1 / 3, 1] }
    const out = await summarizeTauHeuristic(edge, constructed(edge, valley((r) => r * r)))
    const byId = Object.fromEntries(out.claims.map((c) => [c.id, c]))
    expect(byId['ratio0.111-representation-reading']!.holds).toBe(false)
    expect(byId['ratio0.111-representation-reading']!.measured).toMatch(/grid edge/)
    expect(byId['ratio0.111-tau-below-style']!.holds).toBe(true)
    expect(out.reportMarkdown).toMatch(/only a bound/)
  })

  it('(d) fails when the flattest run is less than the margin better than τ_c = τ_s', async () => {
    const shallow = (ratio: number, tau: number) => 0.15 + 0.01 * logDistance(tau, ratio * ratio) / Math.log(243)
    const out = await holds(constructed(config, shallow))
    expect(out.filter(([id]) => /flattest-beats/.test(id as string)).map(([, h]) => h)).toEqual([false, false])
  })

  it('the precondition fails on a collapsed reference', async () => {
    const out = await holds(constructed(config, valley((r) => r * r), [1, 0.9, 0.1, 0.05]))
    expect(out[0]).toEqual(['reference-flat', false])
  })

  it('supported reading: ties in the claims go to the smaller mean log distance; a full tie is undecided', () => {
    const m = (logits: number, representation: number, edge = false) => ({
      ratio: 0.1, points: [], bestTau: 0.01, best: {} as never, bestAtGridEdge: edge, equal: {} as never, bestTauEndToEnd: 0.01, balanceTau: null,
      readings: { logits: { tau: 0.1, logDistance: logits }, representation: { tau: 0.01, logDistance: representation } },
    })
    expect(supportedReading([m(5, 2)], 3)).toEqual({ reading: 'representation', basis: 'log distance' })
    expect(supportedReading([m(0, 5), m(4, 0)], 3)).toEqual({ reading: 'logits', basis: 'log distance' })
    expect(supportedReading([m(0, 5), m(5, 0)], 3)).toEqual({ reading: 'undecided', basis: 'tie' })
    expect(supportedReading([m(0, 5, true)], 3)).toEqual({ reading: 'logits', basis: 'log distance' })
    expect(supportedReading([], 3)).toEqual({ reading: 'undecided', basis: 'tie' })
  })
})
