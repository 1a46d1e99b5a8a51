import { InterruptedError } from '@cl/core'
import { createDgp, type Dgp, type InvertibleMlp } from '@cl/dgp'
import { r2ContentStyleDense, singularValues } from '@cl/metrics'
import type { CheckpointStore } from '@cl/train'
import type { ExperimentContext } from '../experiment.js'
import { stepSeed } from '../stats.js'
import { paperGenerator } from '../synthetic.js'
import { theoryLinearDgp } from '../theory/linear-setup.js'
import type { TheoryCollapseOptimalConfig } from './config.js'
import { frobenius, matMul } from '../matrix.js'
import { covarianceGap, eigenvaluesOf } from './dynamics.js'
import { linearLossFloat32, nonlinearGradients, type PairArrays } from './encoders-tf.js'
import { eq4WeightGradient } from '../theory-dynamics/eq4-gradient.js'
import { applyMatrixRows, collapsedLossBound, contentScale, eq4LossFloat64, logGrid, scaleRows, type Eq4Values } from './eq4-float64.js'

/** Content and style adjusted R² (held out) of the latents from one representation. */
export interface ContentStyleR2 {
  content: number
  style: number
}

/** Gradient spectra (singular values, descending) at one content scale s (Prop. 5). */
export interface GradientAtScale {
  scale: number
  /** ∂L/∂W at W = D_s·A⁻¹, D_s = diag(s·1, 0) (collapsed). */
  linearCollapsed: number[]
  /** ∂L/∂W at W = diag(s·1, 1)·A⁻¹ (style kept). */
  linearStyleKept: number[]
  /** ∂L/∂V_k of f_D = D_s ∘ g⁻¹ per layer, in the order applied (the last is the matrix right before D). */
  nonlinearCollapsed: number[][]
  /** eq. (4) of f_D on the gradient batch (float32). */
  nonlinearLoss: number
}

/** Everything measured for one (seed, d_c). Losses are means over the evaluation batches (per anchor, M = N − 1). */
export interface CollapseRun {
  seed: number
  contentDims: number
  /** M = N − 1 negatives per anchor. */
  negatives: number
  scales: number[]
  /** Prop. 4 path W = D_s·A⁻¹, D_s = diag(s·1_{d_c}, 0_{d_s}). */
  collapsed: {
    float64: number[]
    /** The library's float32 loss (`evaluateInfoNce`) at the same W. */
    float32: number[]
    /** f_D = D_s ∘ g⁻¹ with the nonlinear g (float64 g⁻¹, same latents as the linear DGP). */
    nonlinearFloat64: number[]
    /** log(1 + M·φ(s)^{d_c}): Jensen upper bound on the expected loss. */
    bound: number[]
  }
  /** Corollary 1's W = diag(s·1_{d_c}, 1_{d_s})·A⁻¹. */
  styleKept: { float64: number[]; align: number[] }
  groundTruth: { float64: Eq4Values; float32: number }
  zero: { float64: number; float32: number }
  r2: { collapsed: ContentStyleR2[]; styleKept: ContentStyleR2[] }
  gradients: GradientAtScale[]
  /** Reference spectra: ∂L/∂W at A⁻¹ and ∂L/∂V_k at f = g⁻¹ (D = I). */
  gradientReference: { linearGroundTruth: number[]; nonlinearInverse: number[][] }
  /** eq. (5)/(15): eigenvalues of [Σ_x − Σ_x̃] (closed form, descending) and ‖D_1·A⁻¹·[Σ_x − Σ_x̃]‖_F. */
  eq5: { eigenvalues: number[]; collapsedDynamicsNorm: number }
}

/** The nonlinear DGP of the Prop. 1 / 5 part: the same latents and conditional as the linear one, g = the invertible MLP. */
export function nonlinearDgp(config: TheoryCollapseOptimalConfig, contentDims: number, seed: number): { dgp: Dgp; g: InvertibleMlp } {
  const g = paperGenerator({ kind: 'mlp', layers: config.generator.mlpLayers, thresholdDraws: config.generator.thresholdDraws }, config.dims, seed) as InvertibleMlp
  const dgp = createDgp({ space: 'box', dims: config.dims, contentDims, conditional: { kind: 'normal', sigma: config.sigmaStyle, contentSigma: 0 }, generator: g, seed })
  return { dgp, g }
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const pairs = (b: { n: number; x: Float64Array; xPositive: Float64Array }): PairArrays => ({ n: b.n, x: b.x, xPositive: b.xPositive })

/** Evaluate one (seed, d_c): the loss paths, W = 0, W = A⁻¹, the R² along the path, gradient spectra and eq. (15). */
export async function evaluateCollapse(config: TheoryCollapseOptimalConfig, contentDims: number, seed: number, log: (line: string) => void): Promise<CollapseRun> {
  const d = config.dims
  const n = config.batchSize
  const linear = theoryLinearDgp({ space: 'box', dims: d, contentDims, sigmaStyle: config.sigmaStyle, thresholdDraws: config.generator.thresholdDraws, seed })
  const { dgp: mlpDgp, g } = nonlinearDgp(config, contentDims, seed)
  const inv = linear.inverse
  const scales = logGrid(config.scales.min, config.scales.max, config.scales.perDecade)
  const linBatches = Array.from({ length: config.evalBatches }, (_, b) => linear.dgp.reseed(stepSeed(seed, 'eval', b)).sampleArrays(n))
  const mlpBatches = Array.from({ length: config.evalBatches }, (_, b) => mlpDgp.reseed(stepSeed(seed, 'eval', b)).sampleArrays(n))
  const f64 = (w: readonly (readonly number[])[]) => linBatches.map((b) => eq4LossFloat64(applyMatrixRows(w, b.x, n), applyMatrixRows(w, b.xPositive, n), n, d))
  const f32 = async (w: readonly (readonly number[])[]) => mean(await Promise.all(linBatches.map((b) => linearLossFloat32(pairs(b), w))))
  const scaleLatents = (diag: readonly number[], latents: Float64Array) => latents.map((v, i) => diag[i % d]! * v)

  const collapsed = { float64: [] as number[], float32: [] as number[], nonlinearFloat64: [] as number[], bound: [] as number[] }
  const styleKept = { float64: [] as number[], align: [] as number[] }
  // ĝ⁻¹(x) once per batch (float64); f_D = D_s ∘ g⁻¹ only rescales it
  const mlpLatents = mlpBatches.map((b) => ({ z: g.inverseArray(b.x, n), zp: g.inverseArray(b.xPositive, n) }))
  const started = Date.now()
  for (const [k, s] of scales.entries()) {
    if (k > 0 && k % config.scales.perDecade === 0) log(`seed ${seed}, d_c = ${contentDims}: s = ${s.toPrecision(3)} (${k}/${scales.length} grid points, ${((Date.now() - started) / 1000).toFixed(0)} s)`)
    const wc = scaleRows(contentScale('collapsed', s, d, contentDims), inv)
    const wk = scaleRows(contentScale('styleKept', s, d, contentDims), inv)
    collapsed.float64.push(mean(f64(wc).map((v) => v.total)))
    collapsed.float32.push(await f32(wc))
    const diag = contentScale('collapsed', s, d, contentDims)
    collapsed.nonlinearFloat64.push(mean(mlpLatents.map((l) => eq4LossFloat64(scaleLatents(diag, l.z), scaleLatents(diag, l.zp), n, d).total)))
    collapsed.bound.push(collapsedLossBound(s, n - 1, contentDims))
    const kept = f64(wk)
    styleKept.float64.push(mean(kept.map((v) => v.total)))
    styleKept.align.push(mean(kept.map((v) => v.align)))
  }
  const gt = f64(inv)
  const groundTruth = { float64: { total: mean(gt.map((v) => v.total)), align: mean(gt.map((v) => v.align)), uniform: mean(gt.map((v) => v.uniform)) }, float32: await f32(inv) }
  const zeroW = inv.map((r) => r.map(() => 0))
  const zero = { float64: mean(f64(zeroW).map((v) => v.total)), float32: await f32(zeroW) }

  // R² of the latents from z = W·x on fresh data (half fit, half held out), along both paths
  const probe = linear.dgp.reseed(stepSeed(seed, 'r2', 0)).sampleArrays(config.r2Samples)
  const meta = linear.dgp.metadata
  const latents = { data: probe.z, shape: [probe.n, d] as [number, number] }
  const r2Of = (w: readonly (readonly number[])[]): ContentStyleR2 => {
    const r = r2ContentStyleDense({ data: applyMatrixRows(w, probe.x, probe.n), shape: [probe.n, d] }, latents, { contentIndices: meta.contentIndices, styleIndices: meta.styleIndices, adjusted: true, testFraction: 0.5, seed })
    return { content: r.content, style: r.style }
  }
  const r2 = {
    collapsed: scales.map((s) => r2Of(scaleRows(contentScale('collapsed', s, d, contentDims), inv))),
    styleKept: scales.map((s) => r2Of(scaleRows(contentScale('styleKept', s, d, contentDims), inv))),
  }

  // Prop. 5: gradient spectra on the first evaluation batch
  const gradBatch = pairs(linBatches[0]!)
  const mlpGradBatch = pairs(mlpBatches[0]!)
  const inverseLayers = [...g.layers].reverse().map((l) => l.inverseWeight)
  const gradients: GradientAtScale[] = config.gradientScales.map((s) => {
    const nl = nonlinearGradients(mlpGradBatch, inverseLayers, g.slope, contentScale('collapsed', s, d, contentDims))
    return {
      scale: s,
      linearCollapsed: singularValues(eq4WeightGradient(scaleRows(contentScale('collapsed', s, d, contentDims), inv), gradBatch.x, gradBatch.xPositive, gradBatch.n, 'full')),
      linearStyleKept: singularValues(eq4WeightGradient(scaleRows(contentScale('styleKept', s, d, contentDims), inv), gradBatch.x, gradBatch.xPositive, gradBatch.n, 'full')),
      nonlinearCollapsed: nl.gradients.map((m) => singularValues(m)),
      nonlinearLoss: nl.loss,
    }
  })
  const gradientReference = {
    linearGroundTruth: singularValues(eq4WeightGradient(inv, gradBatch.x, gradBatch.xPositive, gradBatch.n, 'full')),
    nonlinearInverse: nonlinearGradients(mlpGradBatch, inverseLayers, g.slope, Array.from({ length: d }, () => 1)).gradients.map((m) => singularValues(m)),
  }

  const gap = covarianceGap(linear.generator, contentDims, config.sigmaStyle)
  const eq5 = { eigenvalues: eigenvaluesOf(gap), collapsedDynamicsNorm: frobenius(matMul(scaleRows(contentScale('collapsed', 1, d, contentDims), inv), gap)) }
  log(
    `seed ${seed}, d_c = ${contentDims}: L(A⁻¹) = ${groundTruth.float64.total.toFixed(4)}, L(0) = ${zero.float32.toFixed(4)} (log(M+1) = ${Math.log(n).toFixed(4)}), ` +
      `L(D_s·A⁻¹) at s = ${scales.at(-1)}: ${collapsed.float64.at(-1)!.toExponential(3)}`,
  )
  return { seed, contentDims, negatives: n - 1, scales, collapsed, styleKept, groundTruth, zero, r2, gradients, gradientReference, eq5 }
}

/** Every (seed, d_c), resuming finished ones from the run's checkpoint store. */
export async function runTheoryCollapseOptimal(context: ExperimentContext<TheoryCollapseOptimalConfig>): Promise<CollapseRun[]> {
  const { config, seeds, store, log } = context
  const runs: CollapseRun[] = []
  for (const seed of seeds) {
    for (const dc of config.contentDims) {
      const key = `collapse-dc${dc}-seed${seed}`
      const done = await store.loadResult<CollapseRun>(key)
      if (done !== undefined) {
        runs.push(done)
        continue
      }
      // Ctrl-C / SIGTERM: stop between (seed, d_c) evaluations; finished ones are stored for --resume
      if (context.signal.aborted) throw new InterruptedError(String(context.signal.reason))
      const r = await evaluateCollapse(config, dc, seed, log)
      await store.saveResult(key, r)
      runs.push(r)
    }
  }
  return runs
}
