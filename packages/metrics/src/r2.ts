import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import { adjustR2, type AdjustedR2P } from './adjusted-r2.js'
import { fitLinearRegression, predictLinear } from './linear-regression.js'
import { assertSameRows, selectRows, toDenseMatrix, type DenseMatrix, type MatrixInput } from './matrix-input.js'
import { shuffledIndices, trainTestSplit } from './split.js'

export interface R2Options {
  /** Report adjusted R² in `perDim`/`mean` (raw values stay in `r2PerDim`/`r2Mean`). Default false. */
  readonly adjusted?: boolean
  /** p of the adjustment: `'predictors'` (representation width, default) or `'targets'` (cl-ica). */
  readonly adjustedP?: AdjustedR2P
  /**
   * Fraction of samples held out: the regression is fitted on the rest and R² is scored on the held-out part.
   * Default 0 = fit and score in-sample (cl-ica `train_test_split=False`). Must be in [0, 1).
   */
  readonly testFraction?: number
  /** Seed of the shuffled split (`createRng`); default 0. */
  readonly seed?: number
  /** Relative ridge of the regression (see `fitLinearRegression`); default 1e-8. Ignored when `ridgeGrid` is set. */
  readonly ridge?: number
  /**
   * Choose the relative ridge by cross-validation instead (sklearn `RidgeCV(cv=4)`): every value is scored by mean raw
   * R² over 4 shuffled folds of the fit part (folds from `seed`), and the best one is refitted on the whole fit part.
   * Guards wide, nearly collinear layers against a held-out R² that explodes with a tiny fixed ridge. Costs
   * 4 × grid size extra fits.
   */
  readonly ridgeGrid?: readonly number[]
}

export interface R2Result {
  /** Per target dim: adjusted R² if `adjusted`, else raw R². */
  readonly perDim: number[]
  /** Uniform average of `perDim` (sklearn `multioutput='uniform_average'`). */
  readonly mean: number
  /** Raw R² per target dim (sklearn `multioutput='raw_values'`). */
  readonly r2PerDim: number[]
  readonly r2Mean: number
  readonly adjusted: boolean
  /** Samples R² was scored on (the held-out part, or all samples in-sample); the n of the adjustment. */
  readonly n: number
  /** The p of the adjustment (predictors or targets, per `adjustedP`). */
  readonly p: number
  readonly nTrain: number
  readonly nTest: number
  /** Relative ridge actually used by the solver. */
  readonly ridgeUsed: number
}

/**
 * sklearn `r2_score(yTrue, yPred, multioutput='raw_values')`: per column 1 − SS_res/SS_tot with SS_tot about the
 * column's own mean; a constant column scores 1 if predicted exactly, else 0 (sklearn `force_finite=True`).
 */
export function r2FromPredictions(yTrue: MatrixInput, yPred: MatrixInput): number[] {
  const t = toDenseMatrix(yTrue, 'yTrue')
  const p = toDenseMatrix(yPred, 'yPred')
  if (t.shape[0] !== p.shape[0] || t.shape[1] !== p.shape[1]) throw new ShapeMismatchError('yPred', [...t.shape], [...p.shape])
  return r2Dense(t, p)
}

function r2Dense(t: DenseMatrix, p: DenseMatrix): number[] {
  const [n, k] = t.shape
  const out: number[] = []
  for (let j = 0; j < k; j++) {
    let mean = 0
    for (let i = 0; i < n; i++) mean += t.data[i * k + j]!
    mean /= n
    let ssRes = 0
    let ssTot = 0
    for (let i = 0; i < n; i++) {
      const y = t.data[i * k + j]!
      const r = y - p.data[i * k + j]!
      const c = y - mean
      ssRes += r * r
      ssTot += c * c
    }
    out.push(ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot)
  }
  return out
}

const average = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length)

/** {@link r2Score} on already converted matrices. */
export function r2ScoreDense(x: DenseMatrix, y: DenseMatrix, options: R2Options = {}): R2Result {
  assertSameRows(x, y, 'latents')
  const n = x.shape[0]
  if (n < 2) throw new ShapeMismatchError('representation (needs ≥ 2 samples)', [2, null], [...x.shape])
  const adjustedP = options.adjustedP ?? 'predictors'
  if (adjustedP !== 'predictors' && adjustedP !== 'targets') throw new InvalidConfigError('adjustedP', "'predictors' | 'targets'", adjustedP)
  const split = trainTestSplit(n, options.testFraction ?? 0, options.seed ?? 0)
  const heldOut = split.test.length > 0
  const xTrain = heldOut ? selectRows(x, split.train) : x
  const yTrain = heldOut ? selectRows(y, split.train) : y
  const ridge = options.ridgeGrid === undefined ? options.ridge : selectRidge(xTrain, yTrain, options.ridgeGrid, options.seed ?? 0)
  const fit = fitLinearRegression(xTrain, yTrain, ridge === undefined ? {} : { ridge })
  const xScore = heldOut ? selectRows(x, split.test) : x
  const yScore = heldOut ? selectRows(y, split.test) : y
  const r2PerDim = r2Dense(yScore, predictLinear(fit, xScore))
  const nScored = yScore.shape[0]
  const p = adjustedP === 'predictors' ? x.shape[1] : y.shape[1]
  const adjusted = options.adjusted ?? false
  const perDim = adjusted ? r2PerDim.map((r) => adjustR2(r, nScored, p)) : r2PerDim
  return {
    perDim,
    mean: average(perDim),
    r2PerDim,
    r2Mean: average(r2PerDim),
    adjusted,
    n: nScored,
    p,
    nTrain: split.train.length,
    nTest: split.test.length,
    ridgeUsed: fit.ridgeUsed,
  }
}

/** Folds of the ridge selection (see `ridgeGrid`). */
export const RIDGE_CV_FOLDS = 4

/**
 * The grid value with the best mean R² over {@link RIDGE_CV_FOLDS}-fold cross-validation on (x, y) (shuffled folds from
 * `seed`; ties: the smaller ridge). See `ridgeGrid`.
 */
export function selectRidge(x: DenseMatrix, y: DenseMatrix, grid: readonly number[], seed = 0): number {
  if (!Array.isArray(grid) || grid.length === 0 || grid.some((r) => typeof r !== 'number' || !(r >= 0) || !Number.isFinite(r))) {
    throw new InvalidConfigError('ridgeGrid', 'a non-empty array of finite numbers ≥ 0', grid)
  }
  const n = x.shape[0]
  if (n < 2 * RIDGE_CV_FOLDS) throw new ShapeMismatchError(`representation (ridgeGrid needs ≥ ${2 * RIDGE_CV_FOLDS} fit samples)`, [2 * RIDGE_CV_FOLDS, null], [...x.shape])
  const perm = shuffledIndices(n, seed, 'ridge-cv')
  const folds = Array.from({ length: RIDGE_CV_FOLDS }, (_, f) => {
    const val = perm.filter((_, i) => i % RIDGE_CV_FOLDS === f).sort()
    const fit = perm.filter((_, i) => i % RIDGE_CV_FOLDS !== f).sort()
    return { xFit: selectRows(x, fit), yFit: selectRows(y, fit), xVal: selectRows(x, val), yVal: selectRows(y, val) }
  })
  let best = grid[0]!
  let bestScore = -Infinity
  for (const ridge of [...grid].sort((a, b) => a - b)) {
    const score = average(folds.map((f) => average(r2Dense(f.yVal, predictLinear(fitLinearRegression(f.xFit, f.yFit, { ridge }), f.xVal)))))
    if (score > bestScore) {
      best = ridge
      bestScore = score
    }
  }
  return best
}

/**
 * R² of predicting each ground-truth latent dim from a representation with an affine map (OLS + intercept, tiny
 * ridge), sklearn `r2_score` semantics per dim — the paper's §4.1 "fitting a linear map A between z' and z and
 * calculating R² between Az' and z"; cl-ica `disentanglement_utils.linear_disentanglement` direction hz → z.
 * `representation` is [n × width], `latents` is [n × d].
 */
export function r2Score(representation: MatrixInput, latents: MatrixInput, options: R2Options = {}): R2Result {
  return r2ScoreDense(toDenseMatrix(representation, 'representation'), toDenseMatrix(latents, 'latents'), options)
}

export interface ContentStyleR2Options extends R2Options {
  /** Latent dims that are content z^c (may be empty: then `content` is NaN). */
  readonly contentIndices: readonly number[]
  /** Latent dims that are style z^s (may be empty: then `style` is NaN). */
  readonly styleIndices: readonly number[]
}

export interface ContentStyleR2Result extends R2Result {
  /** Mean of `perDim` over content dims (NaN if there are none). */
  readonly content: number
  /** Mean of `perDim` over style dims (NaN if there are none). */
  readonly style: number
}

function checkIndices(field: string, indices: readonly number[], d: number): void {
  const seen = new Set<number>()
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= d || seen.has(i)) {
      throw new InvalidConfigError(field, `distinct integers in [0, ${d})`, indices)
    }
    seen.add(i)
  }
}

/** {@link r2ContentStyle} on an already converted latent matrix (convert once, score many layers). */
export function r2ContentStyleDense(x: DenseMatrix, y: DenseMatrix, options: ContentStyleR2Options): ContentStyleR2Result {
  const d = y.shape[1]
  checkIndices('contentIndices', options.contentIndices, d)
  checkIndices('styleIndices', options.styleIndices, d)
  const result = r2ScoreDense(x, y, options)
  const pick = (idx: readonly number[]) => average(idx.map((i) => result.perDim[i]!))
  return { ...result, content: pick(options.contentIndices), style: pick(options.styleIndices) }
}

/**
 * Paper Fig. 1 middle/right (§4.1): R² (adjusted if `adjusted`) per latent dim from one representation,
 * averaged separately over content and style dims.
 */
export function r2ContentStyle(representation: MatrixInput, latents: MatrixInput, options: ContentStyleR2Options): ContentStyleR2Result {
  return r2ContentStyleDense(toDenseMatrix(representation, 'representation'), toDenseMatrix(latents, 'latents'), options)
}

/**
 * {@link r2ContentStyle} for every layer of an encoder against the same latents (converted once); with the same
 * `seed` and `testFraction` every layer is scored on the same held-out samples.
 */
export function r2ContentStyleLayers(
  layers: readonly MatrixInput[],
  latents: MatrixInput,
  options: ContentStyleR2Options,
): ContentStyleR2Result[] {
  const y = toDenseMatrix(latents, 'latents')
  return layers.map((layer, i) => r2ContentStyleDense(toDenseMatrix(layer, `layers[${i}]`), y, options))
}
