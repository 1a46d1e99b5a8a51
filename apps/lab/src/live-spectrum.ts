import * as tf from '@tensorflow/tfjs'
import { normalizedSingularValues } from '@cl/metrics'
import type { LabExperimentId } from './settings.js'

/** Which weight matrix the live spectrum shows: W of the linear encoder (Fig. 1 left) or the MLP's output layer. */
export type SpectrumLayer = 'first' | 'last'

/** fig1-spectrum: W, the paper's Fig. 1 left quantity; fig1-r2 and table1: the output layer, where collapse shows (§4.1). */
export function spectrumLayerOf(experiment: LabExperimentId): SpectrumLayer {
  return experiment === 'fig1-spectrum' ? 'first' : 'last'
}

const KERNEL = /(?:^|\/)dense_(\d+)\/kernel$/

/** The name of the first or last dense kernel (`dense_<i>/kernel`, `@cl/models` naming) among `names`, if any. */
export function pickKernel(names: Iterable<string>, layer: SpectrumLayer): string | undefined {
  const kernels = [...names].flatMap((name) => {
    const m = KERNEL.exec(name)
    return m === null ? [] : [{ name, index: Number(m[1]) }]
  })
  if (kernels.length === 0) return undefined
  kernels.sort((a, b) => a.index - b.index)
  return (layer === 'first' ? kernels[0] : kernels[kernels.length - 1])!.name
}

/**
 * Max-normalised singular values (descending) of one weight matrix of the encoder being trained. Inside the step
 * callback only a copy of the weight is taken (the variable itself is neither kept nor read synchronously: tfjs-webgpu's
 * synchronous read fails in a worker, and on WebGL it would stall the pipeline); the copy is read asynchronously and
 * disposed. A dense kernel stores Wᵀ, which has the same singular values.
 */
export function readSpectrum(variables: ReadonlyMap<string, tf.Variable>, layer: SpectrumLayer): Promise<{ matrix: string; values: number[] }> | undefined {
  const name = pickKernel(variables.keys(), layer)
  if (name === undefined) return undefined
  const v = variables.get(name)!
  if (v.shape.length !== 2) return undefined
  const copy = tf.clone(v)
  return copy
    .data()
    .then((data) => ({ matrix: name, values: normalizedSingularValues({ data: data as Float32Array, shape: copy.shape }) }))
    .finally(() => copy.dispose())
}
