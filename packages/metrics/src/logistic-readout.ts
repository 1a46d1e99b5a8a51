import { InvalidConfigError } from '@cl/core'
import { columnMeans, type DenseMatrix } from './matrix-input.js'
import { accuracy, toReadoutData, type ReadoutData } from './readout-data.js'

/** Default L2 penalty λ on the weights (objective: mean cross-entropy + λ/2·‖W‖²_F; biases unpenalised). */
export const DEFAULT_LOGISTIC_L2 = 1e-4

export interface LogisticReadoutOptions {
  /** L2 penalty λ ≥ 0 on the weights; default 1e-4 (on standardised features). */
  readonly l2?: number
  /** Maximum L-BFGS iterations; default 500. */
  readonly maxIterations?: number
  /** Stop when the largest |gradient| entry is below this; default 1e-6. */
  readonly tolerance?: number
  /** Standardise features with the *train* mean/std (test uses the same statistics: no leak). Default true. */
  readonly standardize?: boolean
  /** Number of classes K; default 1 + the largest label in train ∪ test. */
  readonly numClasses?: number
  /** L-BFGS history length; default 10. */
  readonly memory?: number
}

export interface LogisticReadoutResult {
  readonly trainAccuracy: number
  readonly testAccuracy: number
  /** Final objective (mean train cross-entropy + L2 term). */
  readonly loss: number
  readonly iterations: number
  /** True if the gradient tolerance was met (false: stopped at maxIterations or on a stalled line search). */
  readonly converged: boolean
  readonly numClasses: number
  /** Predicted class of every test sample. */
  readonly testPredictions: Int32Array
}

interface Problem {
  readonly x: DenseMatrix
  readonly y: Int32Array
  readonly k: number
  readonly l2: number
}

/** Mean cross-entropy + λ/2‖W‖² and its gradient; θ = [W (D×K row-major), b (K)]. */
function lossAndGradient(prob: Problem, theta: Float64Array, grad: Float64Array): number {
  const { x, y, k, l2 } = prob
  const [n, d] = x.shape
  grad.fill(0)
  const logits = new Float64Array(k)
  const bOff = d * k
  let loss = 0
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) logits[c] = theta[bOff + c]!
    const off = i * d
    for (let a = 0; a < d; a++) {
      const xa = x.data[off + a]!
      if (xa === 0) continue
      const wa = a * k
      for (let c = 0; c < k; c++) logits[c]! += xa * theta[wa + c]!
    }
    let max = -Infinity
    for (let c = 0; c < k; c++) max = Math.max(max, logits[c]!)
    let sum = 0
    for (let c = 0; c < k; c++) {
      const e = Math.exp(logits[c]! - max)
      logits[c] = e
      sum += e
    }
    const yi = y[i]!
    loss += Math.log(sum) - Math.log(logits[yi]!) // −log softmax_y, stable
    for (let c = 0; c < k; c++) logits[c] = logits[c]! / sum - (c === yi ? 1 : 0)
    for (let a = 0; a < d; a++) {
      const xa = x.data[off + a]!
      if (xa === 0) continue
      const wa = a * k
      for (let c = 0; c < k; c++) grad[wa + c]! += xa * logits[c]!
    }
    for (let c = 0; c < k; c++) grad[bOff + c]! += logits[c]!
  }
  const inv = 1 / n
  loss *= inv
  for (let j = 0; j < grad.length; j++) grad[j]! *= inv
  let wNorm = 0
  for (let j = 0; j < bOff; j++) {
    wNorm += theta[j]! ** 2
    grad[j]! += l2 * theta[j]!
  }
  return loss + 0.5 * l2 * wNorm
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

function maxAbs(a: Float64Array): number {
  let m = 0
  for (const v of a) m = Math.max(m, Math.abs(v))
  return m
}

/**
 * Deterministic full-batch L-BFGS (two-loop recursion, Armijo backtracking line search, zero initialisation).
 */
function minimize(prob: Problem, dim: number, maxIterations: number, tolerance: number, memory: number) {
  let theta = new Float64Array(dim)
  let grad = new Float64Array(dim)
  let f = lossAndGradient(prob, theta, grad)
  const sHist: Float64Array[] = []
  const yHist: Float64Array[] = []
  const rhoHist: number[] = []
  const alpha = new Float64Array(memory)
  let iterations = 0
  let converged = maxAbs(grad) < tolerance
  const nextGrad = new Float64Array(dim)
  while (!converged && iterations < maxIterations) {
    // Two-loop recursion: direction = −H·grad.
    const q = Float64Array.from(grad)
    for (let h = sHist.length - 1; h >= 0; h--) {
      const a = rhoHist[h]! * dot(sHist[h]!, q)
      alpha[h] = a
      const yh = yHist[h]!
      for (let j = 0; j < dim; j++) q[j]! -= a * yh[j]!
    }
    if (sHist.length > 0) {
      const last = sHist.length - 1
      const gamma = dot(sHist[last]!, yHist[last]!) / dot(yHist[last]!, yHist[last]!)
      for (let j = 0; j < dim; j++) q[j]! *= gamma
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(grad, grad)))
      for (let j = 0; j < dim; j++) q[j]! *= scale
    }
    for (let h = 0; h < sHist.length; h++) {
      const b = rhoHist[h]! * dot(yHist[h]!, q)
      const sh = sHist[h]!
      for (let j = 0; j < dim; j++) q[j]! += (alpha[h]! - b) * sh[j]!
    }
    for (let j = 0; j < dim; j++) q[j] = -q[j]!
    let slope = dot(grad, q)
    if (!(slope < 0)) {
      // Not a descent direction (should not happen with the curvature check): restart from steepest descent.
      sHist.length = 0
      yHist.length = 0
      rhoHist.length = 0
      for (let j = 0; j < dim; j++) q[j] = -grad[j]!
      slope = dot(grad, q)
    }
    let step = 1
    let fNew = Infinity
    const trial = new Float64Array(dim)
    let accepted = false
    for (let ls = 0; ls < 40; ls++) {
      for (let j = 0; j < dim; j++) trial[j] = theta[j]! + step * q[j]!
      fNew = lossAndGradient(prob, trial, nextGrad)
      if (fNew <= f + 1e-4 * step * slope) {
        accepted = true
        break
      }
      step *= 0.5
    }
    iterations++
    if (!accepted) break
    const s = new Float64Array(dim)
    const yv = new Float64Array(dim)
    for (let j = 0; j < dim; j++) {
      s[j] = trial[j]! - theta[j]!
      yv[j] = nextGrad[j]! - grad[j]!
    }
    const sy = dot(s, yv)
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (sHist.length === memory) {
        sHist.shift()
        yHist.shift()
        rhoHist.shift()
      }
      sHist.push(s)
      yHist.push(yv)
      rhoHist.push(1 / sy)
    }
    const fOld = f
    theta = trial
    grad = Float64Array.from(nextGrad)
    f = fNew
    converged = maxAbs(grad) < tolerance
    if (!converged && Math.abs(fOld - f) <= 1e-15 * Math.max(1, Math.abs(f))) break
  }
  return { theta, loss: f, iterations, converged }
}

function standardizer(x: DenseMatrix): { mean: Float64Array; invSd: Float64Array } {
  const [n, d] = x.shape
  const mean = columnMeans(x)
  const invSd = new Float64Array(d)
  for (let j = 0; j < d; j++) {
    let ss = 0
    for (let i = 0; i < n; i++) ss += (x.data[i * d + j]! - mean[j]!) ** 2
    const sd = Math.sqrt(ss / n)
    invSd[j] = sd > 0 ? 1 / sd : 1
  }
  return { mean, invSd }
}

function applyStandardizer(x: DenseMatrix, st: { mean: Float64Array; invSd: Float64Array }): DenseMatrix {
  const [n, d] = x.shape
  const out = new Float64Array(n * d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (x.data[i * d + j]! - st.mean[j]!) * st.invSd[j]!
  return { data: out, shape: [n, d] }
}

function predict(x: DenseMatrix, theta: Float64Array, k: number): Int32Array {
  const [n, d] = x.shape
  const out = new Int32Array(n)
  const logits = new Float64Array(k)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) logits[c] = theta[d * k + c]!
    for (let a = 0; a < d; a++) {
      const xa = x.data[i * d + a]!
      for (let c = 0; c < k; c++) logits[c]! += xa * theta[a * k + c]!
    }
    let best = 0
    for (let c = 1; c < k; c++) if (logits[c]! > logits[best]!) best = c
    out[i] = best
  }
  return out
}

/**
 * Linear readout (paper Table 2, §4.2; SimSiam `linear_eval.py` protocol): multinomial logistic regression on frozen features, fitted on
 * the train set only, in float64 plain TS with deterministic full-batch L-BFGS and an L2 penalty. Returns train and
 * test accuracy. Differs from the SimSiam repo's SGD probe (30 epochs, lr 30, cosine schedule) on purpose: a
 * convex problem solved to tolerance is deterministic and independent of a learning-rate schedule.
 * Cost per iteration O(n·D·K).
 */
export function logisticReadout(data: ReadoutData, options: LogisticReadoutOptions = {}): LogisticReadoutResult {
  const l2 = options.l2 ?? DEFAULT_LOGISTIC_L2
  if (!(l2 >= 0) || !Number.isFinite(l2)) throw new InvalidConfigError('l2', 'a finite number ≥ 0', l2)
  const maxIterations = options.maxIterations ?? 500
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new InvalidConfigError('maxIterations', 'an integer ≥ 1', maxIterations)
  const tolerance = options.tolerance ?? 1e-6
  if (!(tolerance > 0)) throw new InvalidConfigError('tolerance', 'a number > 0', tolerance)
  const memory = options.memory ?? 10
  if (!Number.isInteger(memory) || memory < 1) throw new InvalidConfigError('memory', 'an integer ≥ 1', memory)
  const dense = toReadoutData(data, options.numClasses)
  const k = dense.numClasses
  let xTrain = dense.xTrain
  let xTest = dense.xTest
  if (options.standardize ?? true) {
    const st = standardizer(xTrain)
    xTrain = applyStandardizer(xTrain, st)
    xTest = applyStandardizer(xTest, st)
  }
  const d = xTrain.shape[1]
  const { theta, loss, iterations, converged } = minimize({ x: xTrain, y: dense.yTrain, k, l2 }, (d + 1) * k, maxIterations, tolerance, memory)
  const trainPred = predict(xTrain, theta, k)
  const testPredictions = predict(xTest, theta, k)
  return {
    trainAccuracy: accuracy(trainPred, dense.yTrain),
    testAccuracy: accuracy(testPredictions, dense.yTest),
    loss,
    iterations,
    converged,
    numClasses: k,
    testPredictions,
  }
}
