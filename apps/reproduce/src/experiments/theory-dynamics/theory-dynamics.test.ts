import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRng } from '@cl/core'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { theoryLinearDgp } from '../theory/linear-setup.js'
import { batchCovariances, populationCovariances, truncatedNormalShiftVariance } from './covariances.js'
import { normalCdf } from './covariances.js'
import { eq4GradientF64 } from './eq4-gradient-f64.js'
import { eq4GradientsTf } from './eq4-gradient.js'
import { combine, matMul, relativeError, scale } from '../matrix.js'
import { summarizeDynamics, theoryDynamics, type GradientSample, type TheoryDynamicsConfig } from './index.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const CLAIM_IDS = ['paper-gradient-limit', 'full-gradient-limit', 'paper-gradient-monotone', 'negatives-double-marginal-term', 'batch-reading-exact', 'bias-floor-grows-with-scale']

describe('theory-dynamics', () => {
  it('runs end to end at small scale: every claim id and both figures', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-tdyn-')), 'run')
    const err: string[] = []
    const sets = ['dims=4', 'contentDims=1', 'negatives=[2,8,32]', 'batches=2', 'generator.thresholdDraws=50', 'scales=[0.05,1]', 'randomInit=true']
    const code = await main(['run', 'theory-dynamics', '--backend', 'cpu', '--out', out, ...sets.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(CLAIM_IDS)
    const samples = (result.metrics as { samples: GradientSample[] }).samples
    // 3 M × 2 batches × 3 W (two scales + random init) × 2 kinds
    expect(samples).toHaveLength(36)
    expect(samples.filter((s) => s.singularValues !== undefined).every((s) => s.negatives === 32)).toBe(true)
    for (const name of ['theory-dynamics-error', 'theory-dynamics-singular-values']) expect(existsSync(path.join(out, `${name}.svg`))).toBe(true)
  })

  it('validates the config: fields named', () => {
    expect(() => resolveConfig(theoryDynamics, 'quick', { negatives: [16, 4] })).toThrow(/invalid config\.negatives/)
    expect(() => resolveConfig(theoryDynamics, 'quick', { contentDims: 8 })).toThrow(/invalid config\.contentDims/)
    expect(() => resolveConfig(theoryDynamics, 'quick', { scales: [0.1] })).toThrow(/invalid config\.scales/)
    expect(() => resolveConfig(theoryDynamics, 'quick', { sigmaStyle: 0 })).toThrow(/invalid config\.sigmaStyle/)
    // preflight: the largest batch N = M + 1 must fit in memory
    expect(() => theoryDynamics.preflight!({ ...theoryDynamics.presets.quick, negatives: [4, 50_000_000] }, {})).toThrow(/^invalid config\.negatives\.1: expected at most/)
    expect(theoryDynamics.paperDgpOnly).toMatch(/closed-form population covariances/)
  })

  it('the tfjs gradients (paper: stop-gradient on the negatives; full: autodiff of eq4Loss) match the float64 closed form (eq. 7) and leak nothing', () => {
    const rng = createRng(5)
    const n = 9
    const d = 4
    const x = Float64Array.from({ length: n * d }, () => rng.uniform())
    const xp = x.map((v, i) => (i % d === 0 ? v : v + 0.1 * (rng.uniform() - 0.5)))
    const w = [...Array(d)].map(() => [...Array(d)].map(() => rng.uniform() - 0.5))
    const before = tf.memory().numTensors
    const tfGrad = eq4GradientsTf(w, x, xp, n)
    expect(tf.memory().numTensors).toBe(before)
    const f64 = eq4GradientF64(w, x, xp, n)
    expect(relativeError(tfGrad.paper, f64.paper)).toBeLessThan(1e-5)
    expect(relativeError(tfGrad.full, f64.full)).toBeLessThan(1e-5)
    // the two kinds differ by the negatives' term, which is not small
    expect(relativeError(f64.full, f64.paper)).toBeGreaterThan(0.1)
    // finite differences of the float64 loss confirm the full closed form
    const loss = (wm: number[][]) => {
      const z = (a: Float64Array, i: number) => wm.map((row) => row.reduce((s, v, k) => s + v * a[i * d + k]!, 0))
      let total = 0
      for (let i = 0; i < n; i++) {
        const zi = z(x, i)
        const sq = (b: number[]) => zi.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0)
        const pos = -sq(z(xp, i)) / 2
        const terms = [pos, ...[...Array(n).keys()].filter((j) => j !== i).map((j) => -sq(z(x, j)) / 2)]
        total += -pos + Math.log(terms.reduce((s, t) => s + Math.exp(t), 0))
      }
      return total / n
    }
    const h = 1e-6
    for (const [o, k] of [[0, 0], [1, 3], [3, 2]] as const) {
      const plus = w.map((r) => [...r])
      const minus = w.map((r) => [...r])
      plus[o]![k]! += h
      minus[o]![k]! -= h
      expect(f64.full[o]![k]!).toBeCloseTo((loss(plus) - loss(minus)) / (2 * h), 6)
    }
  })

  it('uniform α (W → 0): the closed form is exactly (M/(M+1))·W[k·Ŝ_x − Σ̂_x̃], k = 1 paper, 2 full', () => {
    const rng = createRng(2)
    const n = 6
    const d = 3
    const x = Float64Array.from({ length: n * d }, () => rng.uniform())
    const xp = x.map((v) => v + 0.05 * (rng.uniform() - 0.5))
    const w = [[1e-5, 0, 0], [0, 2e-5, 0], [0, 0, 1e-5]]
    const g = eq4GradientF64(w, x, xp, n)
    const est = batchCovariances(x, xp, n, d)
    const limit = (k: number) => scale((n - 1) / n, matMul(w, combine(k, est.marginal, -1, est.conditional)))
    expect(relativeError(scale(-1, g.paper), limit(1))).toBeLessThan(1e-8)
    expect(relativeError(scale(-1, g.full), limit(2))).toBeLessThan(1e-8)
  })

  it('population covariances: E[(z̃ − z)²] of the box-truncated normal matches Monte Carlo and σ² far from the walls; Σ_x = A/12·Aᵀ', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12)
    expect(normalCdf(-3.5)).toBeCloseTo(2.326290790355250e-4, 13)
    // the truncation deficit σ² − v comes from a layer of width ~σ at each wall: on a 10× wider box it is 10× smaller
    const deficit = (low: number, high: number) => 0.0025 - truncatedNormalShiftVariance(0.05, low, high)
    expect(deficit(-5, 5) * 10).toBeCloseTo(deficit(0, 1), 7)
    expect(truncatedNormalShiftVariance(0.01, -5, 5)).toBeCloseTo(0.0001, 6)
    const setup = theoryLinearDgp({ space: 'box', dims: 3, contentDims: 1, sigmaStyle: 0.05, thresholdDraws: 50, seed: 1 })
    const pop = populationCovariances(setup.generator, 1, 0.05)
    expect(pop.latentConditional[0]).toBe(0)
    const b = setup.dgp.sampleArrays(200_000)
    let mc = 0
    for (let i = 0; i < b.n; i++) mc += (b.zPositive[i * 3 + 2]! - b.z[i * 3 + 2]!) ** 2 / b.n
    expect(Math.abs(mc - pop.latentConditional[2]!)).toBeLessThan(2e-5)
    expect(pop.latentConditional[2]!).toBeLessThan(0.0025)
    const est = batchCovariances(b.x, b.xPositive, b.n, 3)
    expect(relativeError(est.marginal, pop.marginal)).toBeLessThan(0.02)
    expect(relativeError(est.conditional, pop.conditional)).toBeLessThan(0.02)
  })

  it('claims follow constructed samples: each can fail', async () => {
    const config: TheoryDynamicsConfig = { ...(theoryDynamics.presets.quick as TheoryDynamicsConfig), negatives: [4, 64, 1024], scales: [0.05, 1], randomInit: false }
    type Curve = (m: number, s: number) => { pop: number; batch: number; other: number }
    const build = (curve: Curve): GradientSample[] =>
      config.negatives.flatMap((m) =>
        config.scales.flatMap((s) =>
          (['paper', 'full'] as const).map((kind) => {
            const v = curve(m, s)
            return { seed: 0, weights: `W = ${s}·A⁻¹`, scale: s, negatives: m, kind, batch: 0, errorPopulation: v.pop, errorBatch: v.batch, errorOtherLimit: v.other }
          }),
        ),
      )
    const good: Curve = (m, s) => ({ pop: 2 / Math.sqrt(m) + s * 0.1, batch: 1e-4 + s * 0.1, other: 0.5 })
    const paperLike = await summarizeDynamics(config, { samples: build(good), predicted: [], covariances: [] })
    expect(paperLike.claims.map((c) => [c.id, c.holds])).toEqual(CLAIM_IDS.map((id) => [id, true]))
    // no convergence: the error stays flat in M
    const flat = await summarizeDynamics(config, { samples: build((_m, s) => ({ ...good(4, s), pop: 0.5 })), predicted: [], covariances: [] })
    expect(flat.claims.map((c) => c.holds)).toEqual([false, false, false, false, true, true])
    // the gradient follows the other limit, the batch reading is off, the floor does not grow
    const wrong = await summarizeDynamics(config, { samples: build((m) => ({ pop: 2 / Math.sqrt(m), batch: 0.05, other: 0.01 })), predicted: [], covariances: [] })
    expect(wrong.claims.map((c) => c.holds)).toEqual([true, true, true, false, false, false])
  })
})
