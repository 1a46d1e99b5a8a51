import * as tf from '@tensorflow/tfjs'
import type { ImageSplit } from '@cl/datasets'
import { logisticReadout } from '@cl/metrics'
import type { ReadoutConfig } from './config.js'
import { evalImages, splitLabels, type ExperimentImages } from './data.js'

/** A row-major float32 feature matrix [n, dims] (accepted by every `@cl/metrics` function). */
export interface FeatureMatrix {
  readonly data: Float32Array
  readonly shape: [number, number]
}

/**
 * Representations of `indices` of a split, in evaluation mode (BN running statistics; call after
 * `setTraining(false)`): un-augmented normalised images ({@link evalImages}) in batches of `batchSize`, each batch's
 * named representations read back and freed. `represent` returns caller-owned 2-D tensors; nothing leaks.
 */
export async function extractFeatures<K extends string>(
  images: ExperimentImages,
  split: ImageSplit,
  indices: Int32Array,
  size: number,
  batchSize: number,
  represent: (x: tf.Tensor4D) => Record<K, tf.Tensor2D>,
): Promise<Record<K, FeatureMatrix>> {
  const chunks = new Map<K, Float32Array[]>()
  const widths = new Map<K, number>()
  const count = indices.length
  for (let start = 0; start < count; start += batchSize) {
    const batch = indices.subarray(start, Math.min(count, start + batchSize))
    const reps = tf.tidy(() => represent(evalImages(images, split, batch, size)))
    try {
      for (const [name, t] of Object.entries(reps) as [K, tf.Tensor2D][]) {
        widths.set(name, t.shape[1])
        const list = chunks.get(name) ?? []
        list.push((await t.data()) as Float32Array)
        chunks.set(name, list)
      }
    } finally {
      tf.dispose(Object.values(reps) as tf.Tensor[])
    }
  }
  const out = {} as Record<K, FeatureMatrix>
  for (const [name, list] of chunks) {
    const dims = widths.get(name)!
    const data = new Float32Array(count * dims)
    let offset = 0
    for (const c of list) {
      data.set(c, offset)
      offset += c.length
    }
    out[name] = { data, shape: [count, dims] }
  }
  return out
}

/** Keep the first `dims` columns of a feature matrix (a copy). */
export function firstColumns(m: FeatureMatrix, from: number, to: number): FeatureMatrix {
  const [n, d] = m.shape
  const w = to - from
  const data = new Float32Array(n * w)
  for (let i = 0; i < n; i++) data.set(m.data.subarray(i * d + from, i * d + to), i * w)
  return { data, shape: [n, w] }
}

/** Test accuracy of a linear readout and what the fit reports. */
export interface ReadoutScore {
  readonly testAccuracy: number
  readonly trainAccuracy: number
  readonly iterations: number
  readonly converged: boolean
}

/**
 * Linear readout accuracy (Table 2, Appx. E): multinomial logistic regression (`@cl/metrics` logisticReadout: L-BFGS,
 * float64, L2 penalty, features standardised with the train statistics only) fitted on the frozen features of the
 * readout train images, scored on the test images. Deviation from PatrickHua/SimSiam `linear_eval.py` (30 epochs SGD,
 * lr 30, on augmented crops): a convex fit solved to tolerance on un-augmented features — deterministic, no schedule.
 */
export function readoutScore(images: ExperimentImages, train: FeatureMatrix, test: FeatureMatrix, config: ReadoutConfig): ReadoutScore {
  const r = logisticReadout(
    {
      trainFeatures: train,
      trainLabels: splitLabels(images.dataset.train, images.readoutTrain),
      testFeatures: test,
      testLabels: splitLabels(images.dataset.test, images.readoutTest),
    },
    { l2: config.l2, maxIterations: config.maxIterations, numClasses: images.dataset.classNames.length },
  )
  return { testAccuracy: r.testAccuracy, trainAccuracy: r.trainAccuracy, iterations: r.iterations, converged: r.converged }
}
