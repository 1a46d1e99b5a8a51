import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resolveConfig } from '../../run/runner.js'
import { resultSchema } from '../../run/result-schema.js'
import { theoryLinearDgp, eq4Loss } from '../theory/linear-setup.js'
import { largestIncrease, crossingScale, theoryCollapseOptimalClaims } from './claims.js'
import type { TheoryCollapseOptimalConfig } from './config.js'
import { covarianceGap, eigenvaluesOf } from './dynamics.js'
import { numericalRank } from '../theory/numerical-rank.js'
import { linearLossFloat32, nonlinearGradients } from './encoders-tf.js'
import { eq4WeightGradient } from '../theory-dynamics/eq4-gradient.js'
import { applyMatrixRows, collapsedLossBound, contentKernelMean, contentScale, eq4LossFloat64, logGrid, scaleRows } from './eq4-float64.js'
import { summarizeTheoryCollapseOptimal, theoryCollapseOptimal, type CollapseRun } from './index.js'
import { evaluateCollapse, nonlinearDgp } from './run.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const tiny = ['dims=4', 'contentDims=[1,2]', 'generator.thresholdDraws=50', 'generator.mlpLayers=2', 'batchSize=24', 'evalBatches=1', 'scales.max=1000', 'scales.perDecade=1', 'gradientScales=[1,10]', 'r2Samples=200']

/** A deterministic pseudo-random matrix (no rng dependency in the oracles). */
const pseudo = (n: number, d: number, phase: number) => Float64Array.from({ length: n * d }, (_, i) => Math.sin(1.7 * i + phase) * 0.8 + 0.1 * Math.cos(3.1 * i))

/** eq. (4) per anchor and its gradient w.r.t. the representations, in float64, straight from Appx. C eqs. (6)–(7). */
function eq7Gradient(z: Float64Array, zp: Float64Array, n: number, d: number): { dz: Float64Array; dzp: Float64Array } {
  const dz = new Float64Array(n * d)
  const dzp = new Float64Array(n * d)
  const sq = (a: Float64Array, i: number, b: Float64Array, j: number) => Array.from({ length: d }, (_, k) => (a[i * d + k]! - b[j * d + k]!) ** 2).reduce((s, v) => s + v, 0)
  for (let i = 0; i < n; i++) {
    const logits = [-sq(z, i, zp, i) / 2, ...Array.from({ length: n }, (_, j) => (j === i ? -Infinity : -sq(z, i, z, j) / 2))]
    const m = Math.max(...logits)
    const w = logits.map((l) => Math.exp(l - m))
    const total = w.reduce((s, v) => s + v, 0)
    const alpha = w.map((v) => v / total) // α_ii, α_ij
    for (let k = 0; k < d; k++) {
      const diffPos = z[i * d + k]! - zp[i * d + k]!
      // ∂ℓ_i/∂z_i = (1 − α_ii)(z_i − z̃_i) − Σ_j α_ij (z_i − z_j); ∂ℓ_i/∂z̃_i = −(1 − α_ii)(z_i − z̃_i); ∂ℓ_i/∂z_j = α_ij (z_i − z_j)
      dz[i * d + k]! += ((1 - alpha[0]!) * diffPos) / n
      dzp[i * d + k]! -= ((1 - alpha[0]!) * diffPos) / n
      for (let j = 0; j < n; j++) {
        if (j === i) continue
        const diff = z[i * d + k]! - z[j * d + k]!
        dz[i * d + k]! -= (alpha[j + 1]! * diff) / n
        dz[j * d + k]! += (alpha[j + 1]! * diff) / n
      }
    }
  }
  return { dz, dzp }
}

describe('theory-collapse-optimal: formulas', () => {
  it('eq4LossFloat64 matches the two-point closed form and the library loss (eq4Loss)', () => {
    // n = 2: ℓ_i = a_i/2 + log(e^{−a_i/2} + e^{−b/2})
    const z = Float64Array.from([0, 0, 1, 2])
    const zp = Float64Array.from([0.3, 0, 1, 1.5])
    const a0 = 0.09
    const a1 = 0.25
    const b = 5
    const want = (a0 / 2 + Math.log(Math.exp(-a0 / 2) + Math.exp(-b / 2)) + a1 / 2 + Math.log(Math.exp(-a1 / 2) + Math.exp(-b / 2))) / 2
    expect(eq4LossFloat64(z, zp, 2, 2).total).toBeCloseTo(want, 14)
    expect(eq4LossFloat64(z, zp, 2, 2).align).toBeCloseTo((a0 + a1) / 4, 14)
    const n = 9
    const d = 3
    const x = pseudo(n, d, 0)
    const xp = pseudo(n, d, 0.4)
    const t = eq4Loss(tf.tensor2d(Float32Array.from(x), [n, d]), tf.tensor2d(Float32Array.from(xp), [n, d]))
    expect(t.total.dataSync()[0]).toBeCloseTo(eq4LossFloat64(x, xp, n, d).total, 5)
    // the one-pass log-sum-exp against a two-pass one, also where most terms underflow (z scaled by 10³)
    const twoPass = (za: Float64Array, zb: Float64Array) => {
      let acc = 0
      for (let i = 0; i < n; i++) {
        const sq = (u: Float64Array, j: number) => Array.from({ length: d }, (_, k) => (za[i * d + k]! - u[j * d + k]!) ** 2).reduce((s, v) => s + v, 0)
        const logits = [-sq(zb, i) / 2, ...Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).map((j) => -sq(za, j) / 2)]
        const m = Math.max(...logits)
        acc += -logits[0]! + m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0))
      }
      return acc / n
    }
    for (const scale of [1, 30, 1000]) {
      const za = x.map((v) => v * scale)
      const zb = xp.map((v) => v * scale)
      expect(eq4LossFloat64(za, zb, n, d).total).toBeCloseTo(twoPass(za, zb), 10)
    }
    // W = 0: every logit is 0 → log(M + 1) = log(n) per anchor (Appx. C, L_CL0 / ((M+1)·M))
    expect(eq4LossFloat64(new Float64Array(n * d), new Float64Array(n * d), n, d).total).toBeCloseTo(Math.log(n), 14)
  })

  it('the tfjs gradient ∂L/∂W equals the float64 Appx. C eq. (7) gradient Σ_i ∂L/∂z_i x_iᵀ + ∂L/∂z̃_i x̃_iᵀ', () => {
    const n = 7
    const d = 3
    const x = pseudo(n, d, 1)
    const xp = pseudo(n, d, 1.3)
    const w = [[0.9, -0.2, 0.1], [0.3, 1.1, -0.4], [0, 0.2, 0.7]]
    const got = eq4WeightGradient(w, x, xp, n, 'full')
    const { dz, dzp } = eq7Gradient(applyMatrixRows(w, x, n), applyMatrixRows(w, xp, n), n, d)
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let want = 0
        for (let i = 0; i < n; i++) want += dz[i * d + a]! * x[i * d + b]! + dzp[i * d + a]! * xp[i * d + b]!
        expect(got[a]![b]).toBeCloseTo(want, 5)
      }
    }
  })

  it('f_D = D ∘ g⁻¹ layer by layer: its loss is eq. 4 of D·g⁻¹(x) (float64 g⁻¹), and one layer gives ∂L/∂V = D·∂L/∂W at W = D·V', () => {
    const { dgp, g } = nonlinearDgp({ ...theoryCollapseOptimal.presets.quick, dims: 4, generator: { thresholdDraws: 50, mlpLayers: 3 } }, 2, 5)
    const b = dgp.sampleArrays(16)
    const diag = [3, 2, 0, 0]
    const layers = [...g.layers].reverse().map((l) => l.inverseWeight)
    const got = nonlinearGradients({ n: 16, x: b.x, xPositive: b.xPositive }, layers, g.slope, diag)
    const scale = (a: Float64Array) => a.map((v, i) => diag[i % 4]! * v)
    expect(got.loss).toBeCloseTo(eq4LossFloat64(scale(g.inverseArray(b.x, 16)), scale(g.inverseArray(b.xPositive, 16)), 16, 4).total, 4)
    expect(got.gradients).toHaveLength(3)
    const v = [[1, 0.5, 0, 0], [0, 1, 0.3, 0], [0.2, 0, 1, 0], [0, 0, 0.1, 1]]
    const one = nonlinearGradients({ n: 16, x: b.x, xPositive: b.xPositive }, [v], g.slope, diag).gradients[0]!
    const viaW = eq4WeightGradient(scaleRows(diag, v), b.x, b.xPositive, 16, 'full')
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(one[i]![j]).toBeCloseTo(diag[i]! * viaW[i]![j]!, 5)
  })

  it('φ(s) = E exp(−s²Δ²/2) matches 2[√(π/2)·erf(s/√2)/s − (1 − e^{−s²/2})/s²] and a Monte-Carlo mean; the bound is log(1 + M·φ^{d_c})', () => {
    // erf by its Taylor series (float64, |x| ≤ 3.6)
    const erf = (x: number) => {
      let term = x
      let sum = x
      for (let k = 1; k < 200; k++) {
        term *= (-x * x) / k
        sum += term / (2 * k + 1)
      }
      return (2 / Math.sqrt(Math.PI)) * sum
    }
    const closed = (s: number) => 2 * ((Math.sqrt(Math.PI / 2) * erf(s / Math.SQRT2)) / s - (1 - Math.exp(-(s * s) / 2)) / s ** 2)
    for (const s of [0.1, 0.5, 1, 2, 5]) expect(contentKernelMean(s)).toBeCloseTo(closed(s), 9)
    for (const s of [100, 1e4]) expect(contentKernelMean(s)).toBeCloseTo(2 * (Math.sqrt(Math.PI / 2) / s - 1 / s ** 2), 12)
    let acc = 0
    const count = 200_000
    for (let k = 0; k < count; k++) {
      const c = (Math.sin(k * 12.9898) * 43758.5453) % 1
      const c2 = (Math.sin(k * 78.233 + 1) * 12345.6789) % 1
      acc += Math.exp(-(2 ** 2) * (Math.abs(c) - Math.abs(c2)) ** 2 / 2)
    }
    expect(acc / count).toBeCloseTo(contentKernelMean(2), 2)
    expect(collapsedLossBound(3, 255, 2)).toBeCloseTo(Math.log(1 + 255 * contentKernelMean(3) ** 2), 14)
  })

  it('eq. 15: [Σ_x − Σ_x̃] = A·diag(σ_z² − σ_c², σ_z² − σ_s²)·Aᵀ matches the sample covariances of the DGP', () => {
    const dims = 4
    const { dgp, generator: a } = theoryLinearDgp({ space: 'box', dims, contentDims: 2, sigmaStyle: 0.05, thresholdDraws: 50, seed: 2 })
    const n = 40_000
    const b = dgp.sampleArrays(n)
    // Σ_x from the marginal; Σ_x̃ (the conditional covariance) from E[(x̃ − x)(x̃ − x)ᵀ]
    const cov = (f: (i: number, k: number) => number, centre: boolean) => {
      const mean = Array.from({ length: dims }, (_, k) => (centre ? Array.from({ length: n }, (_, i) => f(i, k)).reduce((s, v) => s + v, 0) / n : 0))
      return Array.from({ length: dims }, (_, p) => Array.from({ length: dims }, (_, q) => Array.from({ length: n }, (_, i) => (f(i, p) - mean[p]!) * (f(i, q) - mean[q]!)).reduce((s, v) => s + v, 0) / n))
    }
    const sx = cov((i, k) => b.x[i * dims + k]!, true)
    const sc = cov((i, k) => b.xPositive[i * dims + k]! - b.x[i * dims + k]!, false)
    const gap = covarianceGap(a, 2, 0.05)
    const scale = Math.max(...gap.flat().map(Math.abs))
    for (let p = 0; p < dims; p++) for (let q = 0; q < dims; q++) expect(Math.abs(sx[p]![q]! - sc[p]![q]! - gap[p]![q]!)).toBeLessThan(0.03 * scale)
    // A = I: eigenvalues are the diagonal itself, negative once σ_s² > σ_z² = 1/12
    const identity = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    const eig = eigenvaluesOf(covarianceGap(identity, 1, 0.5))
    expect(eig[0]).toBeCloseTo(1 / 12, 12)
    expect(eig[2]).toBeCloseTo(1 / 12 - 0.25, 12)
  })

  it('helpers: grid, ranks, monotonicity, crossings', () => {
    expect(logGrid(0.1, 1000, 1)).toEqual([0.1, 1, 10, 100, 1000].map((v, i) => (i === 4 ? 1000 : 0.1 * 10 ** i)))
    expect(logGrid(1, 5, 1)).toEqual([1, 5])
    expect(numericalRank([1, 0.5, 1e-6, 0], 1e-4)).toBe(2)
    expect(numericalRank([0, 0], 1e-4)).toBe(0)
    expect(largestIncrease([3, 2, 2.5, 1])).toBeCloseTo(0.5, 12)
    expect(crossingScale([1, 2, 3], [5, 4, 3], 3.5)).toBe(3)
    expect(crossingScale([1, 2, 3], [5, 4, 3.6], 3.5)).toBeNull()
    expect(contentScale('collapsed', 7, 4, 1)).toEqual([7, 0, 0, 0])
    expect(contentScale('styleKept', 7, 4, 1)).toEqual([7, 1, 1, 1])
  })

  it('leaves no tensors behind (float32 loss, linear and nonlinear gradients)', async () => {
    const { dgp, g } = nonlinearDgp({ ...theoryCollapseOptimal.presets.quick, dims: 4, generator: { thresholdDraws: 50, mlpLayers: 2 } }, 1, 3)
    const b = dgp.sampleArrays(12)
    const batch = { n: 12, x: b.x, xPositive: b.xPositive }
    const w = [[2, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    const before = tf.memory().numTensors
    await linearLossFloat32(batch, w, 5)
    eq4WeightGradient(w, batch.x, batch.xPositive, batch.n, 'full')
    nonlinearGradients(batch, g.layers.map((l) => l.inverseWeight), g.slope, [2, 0, 0, 0])
    expect(tf.memory().numTensors).toBe(before)
  })
})

/** A constructed run on which every claim holds; counter-examples change one field. */
function goodRun(dc: number): CollapseRun {
  const scales = [0.1, 1, 10, 100, 1e6]
  const path = [5.5, 5.4, 4, 1, 0.001]
  const sv = (rank: number) => Array.from({ length: 8 }, (_, k) => (k < rank ? 1 / (k + 1) : 0))
  return {
    seed: 0,
    contentDims: dc,
    negatives: 255,
    scales,
    collapsed: { float64: path, float32: path.map((v, k) => (k < 3 ? v + 1e-6 : v + 1)), nonlinearFloat64: path, bound: path.map((v) => v * 1.1) },
    styleKept: { float64: [5, 4.9, 3.5, 0.5, 0.01], align: [0.01, 0.01, 0.01, 0.01, 0.01] },
    groundTruth: { float64: { total: 4.92, align: 0.01, uniform: 4.91 }, float32: 4.92 },
    zero: { float64: Math.log(256), float32: Math.log(256) + 1e-6 },
    r2: { collapsed: scales.map(() => ({ content: 0.999, style: 0.01 })), styleKept: scales.map(() => ({ content: 0.999, style: 0.999 })) },
    gradients: [1, 10, 100].map((scale) => ({ scale, linearCollapsed: sv(dc), linearStyleKept: sv(8), nonlinearCollapsed: [sv(8), sv(8), sv(dc)], nonlinearLoss: 1 })),
    gradientReference: { linearGroundTruth: sv(8), nonlinearInverse: [sv(8), sv(8), sv(8)] },
    eq5: { eigenvalues: [0.15, 0.1, 0.02], collapsedDynamicsNorm: 0.1 },
  }
}

describe('theory-collapse-optimal: claims', () => {
  const config: TheoryCollapseOptimalConfig = { ...(theoryCollapseOptimal.presets.quick as TheoryCollapseOptimalConfig), contentDims: [2] }
  const holds = (runs: CollapseRun[]) => Object.fromEntries(theoryCollapseOptimalClaims(config, runs).map((c) => [c.id, c.holds]))
  const ids = [
    'dc2-collapsed-monotone',
    'dc2-collapsed-infimum',
    'dc2-below-ground-truth',
    'dc2-style-r2-zero',
    'dc2-linear-gradient-rank',
    'dc2-nonlinear-last-layer-rank',
    'dc2-nonlinear-infimum',
    'dc2-eq5-gap-positive-definite',
    'w0-closed-form',
    'float32-matches-float64',
  ]

  it('every claim holds on the constructed good case', () => {
    expect(holds([goodRun(2)])).toEqual(Object.fromEntries(ids.map((id) => [id, true])))
  })

  it.each([
    ['dc2-collapsed-monotone', (r: CollapseRun) => ({ ...r, collapsed: { ...r.collapsed, float64: [5.5, 5.4, 5.45, 1, 0.001], float32: [5.5, 5.4, 5.45, 2, 1] } })],
    ['dc2-collapsed-infimum', (r: CollapseRun) => ({ ...r, collapsed: { ...r.collapsed, float64: [5.5, 5.4, 4, 1, 0.5] } })],
    ['dc2-below-ground-truth', (r: CollapseRun) => ({ ...r, groundTruth: { ...r.groundTruth, float64: { total: 0.0001, align: 0, uniform: 0.0001 } } })],
    ['dc2-style-r2-zero', (r: CollapseRun) => ({ ...r, r2: { ...r.r2, collapsed: r.r2.collapsed.map((v, k) => (k === 2 ? { content: 0.999, style: 0.2 } : v)) } })],
    ['dc2-style-r2-zero', (r: CollapseRun) => ({ ...r, r2: { ...r.r2, collapsed: r.r2.collapsed.map((v) => ({ ...v, content: 0.9 })) } })],
    ['dc2-linear-gradient-rank', (r: CollapseRun) => ({ ...r, gradients: r.gradients.map((g, k) => (k === 1 ? { ...g, linearCollapsed: g.linearStyleKept } : g)) })],
    ['dc2-nonlinear-last-layer-rank', (r: CollapseRun) => ({ ...r, gradients: r.gradients.map((g) => ({ ...g, nonlinearCollapsed: [g.linearStyleKept, g.linearStyleKept, [1, 0.5, 0.01, 0, 0, 0, 0, 0]] })) })],
    ['dc2-nonlinear-infimum', (r: CollapseRun) => ({ ...r, collapsed: { ...r.collapsed, nonlinearFloat64: [5.5, 5.4, 4, 1, 0.2] } })],
    ['dc2-eq5-gap-positive-definite', (r: CollapseRun) => ({ ...r, eq5: { ...r.eq5, eigenvalues: [0.1, 0.05, -0.1] } })],
    ['w0-closed-form', (r: CollapseRun) => ({ ...r, zero: { ...r.zero, float32: Math.log(256) + 0.01 } })],
    ['float32-matches-float64', (r: CollapseRun) => ({ ...r, collapsed: { ...r.collapsed, float32: r.collapsed.float64.map((v, k) => (k === 2 ? v + 0.1 : v)) } })],
  ] as const)('%s fails on its counter-example and only it', (id, mutate) => {
    const got = holds([mutate(goodRun(2))])
    expect(got[id]).toBe(false)
    expect(Object.entries(got).filter(([k, v]) => k !== id && !v)).toEqual([])
  })

  it('a real counter-example: σ_s² > σ_z² makes [Σ_x − Σ_x̃] indefinite (eq. 15), and claims hold worst-case over seeds', async () => {
    const small: TheoryCollapseOptimalConfig = {
      ...(theoryCollapseOptimal.presets.quick as TheoryCollapseOptimalConfig),
      dims: 4,
      contentDims: [1],
      sigmaStyle: 0.4,
      generator: { thresholdDraws: 50, mlpLayers: 2 },
      batchSize: 16,
      evalBatches: 1,
      scales: { min: 1, max: 10, perDecade: 1 },
      gradientScales: [1],
      r2Samples: 100,
    }
    const run = await evaluateCollapse(small, 1, 0, () => {})
    expect(run.eq5.eigenvalues.at(-1)!).toBeLessThan(0)
    expect(theoryCollapseOptimalClaims(small, [run]).find((c) => c.id === 'dc1-eq5-gap-positive-definite')!.holds).toBe(false)
    // a second seed that violates monotonicity makes the claim fail although the first holds
    const c2 = { ...config, contentDims: [2] }
    const bad = { ...goodRun(2), seed: 1, collapsed: { ...goodRun(2).collapsed, float64: [5.5, 5.6, 4, 1, 0.001] } }
    expect(theoryCollapseOptimalClaims(c2, [goodRun(2), bad]).find((c) => c.id === 'dc2-collapsed-monotone')!.holds).toBe(false)
  })

  it('summarize: report tables and three figures from constructed runs', async () => {
    const out = await summarizeTheoryCollapseOptimal(config, [goodRun(2)])
    expect(out.figures.map((f) => f.name)).toEqual(['theory-collapse-optimal-loss', 'theory-collapse-optimal-r2', 'theory-collapse-optimal-gradients'])
    expect(out.reportMarkdown).toMatch(/Numerical ranks/)
    expect(out.paper).toMatchObject({ L_CL0_doubleSum: expect.stringContaining(String(256 * 255 * Math.log(256))) })
    // the constructed style-kept path ends above the collapsed one (0.01 > 0.001): 4 of 5 points, the neutral sentence
    expect(out.reportMarkdown).toMatch(/Keeping style at the same content scale: .* at 4\/5 grid points.*Collapsing style lowers the loss at the other grid points/)
  })
})

describe('theory-collapse-optimal: end to end', () => {
  it('runs at small scale: claim ids per d_c, result.json and the figures', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-collapse-')), 'run')
    const err: string[] = []
    const code = await main(['run', 'theory-collapse-optimal', '--backend', 'cpu', '--out', out, ...tiny.flatMap((s) => ['--set', s])], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    const per = (dc: number) => ['collapsed-monotone', 'collapsed-infimum', 'below-ground-truth', 'style-r2-zero', 'linear-gradient-rank', 'nonlinear-last-layer-rank', 'nonlinear-infimum', 'eq5-gap-positive-definite'].map((c) => `dc${dc}-${c}`)
    expect(result.claims.map((c) => c.id)).toEqual([...per(1), ...per(2), 'w0-closed-form', 'float32-matches-float64'])
    // W = 0 and the rank bound are exact at any scale
    for (const id of ['w0-closed-form', 'dc1-linear-gradient-rank', 'dc2-linear-gradient-rank', 'dc1-nonlinear-last-layer-rank', 'dc1-collapsed-monotone']) expect(result.claims.find((c) => c.id === id)!.holds, id).toBe(true)
    for (const f of ['theory-collapse-optimal-loss', 'theory-collapse-optimal-r2', 'theory-collapse-optimal-gradients']) expect(readFileSync(path.join(out, `${f}.svg`), 'utf8')).toMatch(/<svg/)
  })

  it('validates the config, naming the field', () => {
    expect(() => resolveConfig(theoryCollapseOptimal, 'quick', { contentDims: [8] })).toThrow(/invalid config\.contentDims\.0/)
    expect(() => resolveConfig(theoryCollapseOptimal, 'quick', { contentDims: [0] })).toThrow(/invalid config\.contentDims\.0/)
    expect(() => resolveConfig(theoryCollapseOptimal, 'quick', { scales: { max: 0.01 } })).toThrow(/invalid config\.scales\.max/)
    expect(() => resolveConfig(theoryCollapseOptimal, 'quick', { claims: { contentR2Min: 2 } })).toThrow(/invalid config\.claims\.contentR2Min/)
    expect(() => resolveConfig(theoryCollapseOptimal, 'quick', { batchSize: 1 })).toThrow(/invalid config\.batchSize/)
  })
})
