export {
  toDenseMatrix,
  readMatrix,
  toLabels,
  readLabels,
  type DenseMatrix,
  type ShapedArray,
  type MatrixInput,
  type LabelInput,
} from './matrix-input.js'
export { trainTestSplit, type TrainTestSplit } from './split.js'
export {
  fitLinearRegression,
  predictLinear,
  DEFAULT_RIDGE,
  type LinearRegressionOptions,
  type LinearRegressionFit,
} from './linear-regression.js'
export { adjustR2, type AdjustedR2P } from './adjusted-r2.js'
export {
  r2Score,
  r2ScoreDense,
  selectRidge,
  r2FromPredictions,
  r2ContentStyle,
  r2ContentStyleDense,
  r2ContentStyleLayers,
  type R2Options,
  type R2Result,
  type ContentStyleR2Options,
  type ContentStyleR2Result,
} from './r2.js'
export { pearsonMatrix } from './pearson.js'
export { linearSumAssignment, type Assignment } from './hungarian.js'
export { mcc, mccDetailed, type MccResult } from './mcc.js'
export {
  singularValues,
  normalizedSingularValues,
  normalizeSpectrum,
  type SpectrumNormalization,
} from './singular-values.js'
export {
  covarianceSpectrum,
  covarianceMatrix,
  symmetricEigenvalues,
  type CovarianceSpectrum,
  type CovarianceSpectrumOptions,
} from './covariance-spectrum.js'
export {
  effectiveRank,
  collapsedDimensions,
  DEFAULT_COLLAPSE_THRESHOLD,
  type CollapsedDimensionsOptions,
} from './effective-rank.js'
export { styleBlockMean } from './style-block.js'
export { spectrumDistance } from './spectrum-distance.js'
export { normalizedCovarianceSingularValues } from './covariance-singular-values.js'
export { accuracy, type ReadoutData } from './readout-data.js'
export {
  logisticReadout,
  DEFAULT_LOGISTIC_L2,
  type LogisticReadoutOptions,
  type LogisticReadoutResult,
} from './logistic-readout.js'
export { knnAccuracy, type KnnOptions, type KnnResult } from './knn.js'
export {
  estimateContentDims,
  generalizedEigenvalues,
  type ContentDimsInput,
  type ContentDimsEstimate,
  type EstimateContentDimsOptions,
} from './estimate-content-dims.js'
