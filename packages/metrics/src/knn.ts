import { InvalidConfigError } from '@cl/core'
import type { DenseMatrix } from './matrix-input.js'
import { accuracy, toReadoutData, type ReadoutData } from './readout-data.js'

export interface KnnOptions {
  /** Neighbours; default 200 (SimSiam `knn_monitor`). Clamped to the train-set size. */
  readonly k?: number
  /** `'cosine'` (default; features ℓ2-normalised, similarity = cosine) or `'euclidean'` (similarity = −‖a − b‖²). */
  readonly metric?: 'cosine' | 'euclidean'
  /** `'exp'` (default): each neighbour votes exp(similarity / temperature); `'uniform'`: one vote each. */
  readonly weighting?: 'exp' | 'uniform'
  /** Temperature of the `'exp'` weights; default 0.1 (SimSiam `knn_monitor`). */
  readonly temperature?: number
  readonly numClasses?: number
}

export interface KnnResult {
  readonly accuracy: number
  readonly predictions: Int32Array
}

function l2NormalizeRows(m: DenseMatrix): DenseMatrix {
  const [n, d] = m.shape
  const out = Float64Array.from(m.data)
  for (let i = 0; i < n; i++) {
    let ss = 0
    for (let j = 0; j < d; j++) ss += out[i * d + j]! ** 2
    const inv = 1 / Math.max(Math.sqrt(ss), 1e-12)
    for (let j = 0; j < d; j++) out[i * d + j]! *= inv
  }
  return { data: out, shape: [n, d] }
}

/**
 * kNN classification accuracy of frozen features (SimSiam `tools/knn_monitor.py`): for each test sample
 * the k most similar train samples vote for their class with weight exp(sim/T); argmax of the summed votes.
 * Ties between equally similar neighbours keep the lower train index; ties between class scores pick the lower
 * class. O(n_test · n_train · D).
 */
export function knnAccuracy(data: ReadoutData, options: KnnOptions = {}): KnnResult {
  const kOpt = options.k ?? 200
  if (!Number.isInteger(kOpt) || kOpt < 1) throw new InvalidConfigError('k', 'an integer ≥ 1', kOpt)
  const metric = options.metric ?? 'cosine'
  if (metric !== 'cosine' && metric !== 'euclidean') throw new InvalidConfigError('metric', "'cosine' | 'euclidean'", metric)
  const weighting = options.weighting ?? 'exp'
  if (weighting !== 'exp' && weighting !== 'uniform') throw new InvalidConfigError('weighting', "'exp' | 'uniform'", weighting)
  const temperature = options.temperature ?? 0.1
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new InvalidConfigError('temperature', 'a finite number > 0', temperature)
  const dense = toReadoutData(data, options.numClasses)
  const numClasses = dense.numClasses
  const train = metric === 'cosine' ? l2NormalizeRows(dense.xTrain) : dense.xTrain
  const test = metric === 'cosine' ? l2NormalizeRows(dense.xTest) : dense.xTest
  const [nTrain, d] = train.shape
  const nTest = test.shape[0]
  const k = Math.min(kOpt, nTrain)

  // Min-heap of the k best (similarity, index); "worse" = lower similarity, or equal similarity and higher index.
  const heapSim = new Float64Array(k)
  const heapIdx = new Int32Array(k)
  const worse = (a: number, b: number) => heapSim[a]! < heapSim[b]! || (heapSim[a] === heapSim[b] && heapIdx[a]! > heapIdx[b]!)
  const swap = (a: number, b: number) => {
    const s = heapSim[a]!
    heapSim[a] = heapSim[b]!
    heapSim[b] = s
    const t = heapIdx[a]!
    heapIdx[a] = heapIdx[b]!
    heapIdx[b] = t
  }
  const siftDown = (size: number, start: number) => {
    let i = start
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < size && worse(l, m)) m = l
      if (r < size && worse(r, m)) m = r
      if (m === i) return
      swap(i, m)
      i = m
    }
  }
  const siftUp = (start: number) => {
    let i = start
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!worse(i, parent)) return
      swap(i, parent)
      i = parent
    }
  }

  const predictions = new Int32Array(nTest)
  const scores = new Float64Array(numClasses)
  for (let t = 0; t < nTest; t++) {
    let size = 0
    const toff = t * d
    for (let j = 0; j < nTrain; j++) {
      const joff = j * d
      let sim = 0
      if (metric === 'cosine') {
        for (let a = 0; a < d; a++) sim += test.data[toff + a]! * train.data[joff + a]!
      } else {
        for (let a = 0; a < d; a++) sim -= (test.data[toff + a]! - train.data[joff + a]!) ** 2
      }
      if (size < k) {
        heapSim[size] = sim
        heapIdx[size] = j
        siftUp(size)
        size++
      } else if (sim > heapSim[0]!) {
        // Equal similarity never displaces: the earlier (lower) index is kept.
        heapSim[0] = sim
        heapIdx[0] = j
        siftDown(size, 0)
      }
    }
    scores.fill(0)
    // Subtract the best similarity inside exp for stability (a common factor; argmax unchanged).
    let best = -Infinity
    for (let h = 0; h < size; h++) best = Math.max(best, heapSim[h]!)
    for (let h = 0; h < size; h++) {
      const w = weighting === 'exp' ? Math.exp((heapSim[h]! - best) / temperature) : 1
      scores[dense.yTrain[heapIdx[h]!]!]! += w
    }
    let arg = 0
    for (let c = 1; c < numClasses; c++) if (scores[c]! > scores[arg]!) arg = c
    predictions[t] = arg
  }
  return { accuracy: accuracy(predictions, dense.yTest), predictions }
}
