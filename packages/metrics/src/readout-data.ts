import { InvalidConfigError, ShapeMismatchError } from '@cl/core'
import { toDenseMatrix, toLabels, type DenseMatrix, type LabelInput, type MatrixInput } from './matrix-input.js'

/** Frozen features and integer labels of a train and a test set (SimSiam `linear_eval.py`: the backbone is frozen). */
export interface ReadoutData {
  readonly trainFeatures: MatrixInput
  readonly trainLabels: LabelInput
  readonly testFeatures: MatrixInput
  readonly testLabels: LabelInput
}

export interface DenseReadoutData {
  readonly xTrain: DenseMatrix
  readonly yTrain: Int32Array
  readonly xTest: DenseMatrix
  readonly yTest: Int32Array
  readonly numClasses: number
}

/** Convert and validate readout data; K = `numClasses` or 1 + the largest label seen. */
export function toReadoutData(data: ReadoutData, numClasses?: number): DenseReadoutData {
  const xTrain = toDenseMatrix(data.trainFeatures, 'trainFeatures')
  const xTest = toDenseMatrix(data.testFeatures, 'testFeatures')
  const yTrain = toLabels(data.trainLabels, 'trainLabels')
  const yTest = toLabels(data.testLabels, 'testLabels')
  if (yTrain.length !== xTrain.shape[0]) throw new ShapeMismatchError('trainLabels', [xTrain.shape[0]], [yTrain.length])
  if (yTest.length !== xTest.shape[0]) throw new ShapeMismatchError('testLabels', [xTest.shape[0]], [yTest.length])
  if (xTest.shape[1] !== xTrain.shape[1]) throw new ShapeMismatchError('testFeatures', [null, xTrain.shape[1]], [...xTest.shape])
  if (xTrain.shape[0] === 0) throw new ShapeMismatchError('trainFeatures (needs ≥ 1 sample)', [1, null], [...xTrain.shape])
  let maxLabel = -1
  for (const y of yTrain) maxLabel = Math.max(maxLabel, y)
  for (const y of yTest) maxLabel = Math.max(maxLabel, y)
  const k = numClasses ?? maxLabel + 1
  if (!Number.isInteger(k) || k < 2 || k <= maxLabel) {
    throw new InvalidConfigError('numClasses', `an integer ≥ 2 and > the largest label (${maxLabel})`, numClasses ?? k)
  }
  return { xTrain, yTrain, xTest, yTest, numClasses: k }
}

/** Fraction of `predictions` equal to `labels` (NaN for an empty set). */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length !== labels.length) throw new ShapeMismatchError('predictions', [labels.length], [predictions.length])
  if (labels.length === 0) return Number.NaN
  let correct = 0
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++
  return correct / labels.length
}
