import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { countLeakedTensors, createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMlpEncoder, type MlpEncoder } from './mlp-encoder.js'
import { withProjector } from './projector.js'
import type { SerializedWeights } from './serialize.js'

/**
 * Forward passes against an independent float64 computation in plain TS (matmul + bias + activation loops), on the
 * cpu backend (1e-5 relative) and the wasm backend (1e-4 relative). Relative = max |tfjs − ref| / max |ref| per tap.
 */

type Act = (v: number) => number
const leaky: Act = (v) => (v > 0 ? v : 0.01 * v)

/** Float64 forward of a dense stack stored with kernels [in, out]; returns every layer's post-activation output. */
function referenceForward(weights: SerializedWeights, prefix: string, layerCount: number, x: Float64Array, batch: number, act: Act): Float64Array[] {
  const outs: Float64Array[] = []
  let h = x
  let inDim = x.length / batch
  for (let l = 0; l < layerCount; l++) {
    const k = weights[`${prefix}dense_${l}/kernel`]!
    const b = weights[`${prefix}dense_${l}/bias`]
    const outDim = k.shape[1]!
    const y = new Float64Array(batch * outDim)
    for (let n = 0; n < batch; n++) {
      for (let o = 0; o < outDim; o++) {
        let s = b ? b.values[o]! : 0
        for (let i = 0; i < inDim; i++) s += h[n * inDim + i]! * k.values[i * outDim + o]!
        y[n * outDim + o] = l === layerCount - 1 ? s : act(s)
      }
    }
    outs.push(y)
    h = y
    inDim = outDim
  }
  return outs
}

function relError(actual: ArrayLike<number>, expected: Float64Array): number {
  let maxDiff = 0
  let maxRef = 0
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!))
    maxRef = Math.max(maxRef, Math.abs(expected[i]!))
  }
  return maxDiff / maxRef
}

function inputs(batch: number, d: number, seed: number): { x32: Float32Array; x64: Float64Array } {
  const rng = createRng(seed)
  const x32 = new Float32Array(batch * d)
  for (let i = 0; i < x32.length; i++) x32[i] = rng.uniform()
  return { x32, x64: Float64Array.from(x32) }
}

for (const [backend, tol] of [['cpu', 1e-5], ['wasm', 1e-4]] as const) {
  describe(`forward pass = float64 reference on ${backend}`, () => {
    let enc: MlpEncoder
    const batch = 16
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true)
      expect(tf.getBackend()).toBe(backend)
      enc = createMlpEncoder({ inputDim: 10, seed: 42 })
    })
    afterAll(() => enc.dispose())

    it('reference 7-layer MLP (d = 10, leaky ReLU 0.01): every tap and apply()', () => {
      const { x32, x64 } = inputs(batch, 10, 1)
      const ref = referenceForward(enc.getWeights(), '', 7, x64, batch, leaky)
      const x = tf.tensor2d(x32, [batch, 10])
      const taps = enc.applyWithTaps(x)
      const out = enc.apply(x)
      expect(taps).toHaveLength(7)
      taps.forEach((t, l) => expect(relError(t.dataSync(), ref[l]!)).toBeLessThan(tol))
      expect(relError(out.dataSync(), ref[6]!)).toBeLessThan(tol)
      // the negative slope matters: some pre-activations are negative and are scaled by 0.01, not zeroed
      expect(Array.from(taps[0]!.dataSync()).some((v) => v < 0)).toBe(true)
      tf.dispose([x, out, ...taps])
    })

    it('configurable depth/width/activation: [7, 5] hidden, tanh, outputDim 3', () => {
      const m = createMlpEncoder({ inputDim: 4, outputDim: 3, hiddenWidths: [7, 5], activation: 'tanh', seed: 3 })
      const { x32, x64 } = inputs(batch, 4, 2)
      const ref = referenceForward(m.getWeights(), '', 3, x64, batch, Math.tanh)
      const x = tf.tensor2d(x32, [batch, 4])
      const taps = m.applyWithTaps(x)
      expect(taps.map((t) => t.shape)).toEqual([[batch, 7], [batch, 5], [batch, 3]])
      taps.forEach((t, l) => expect(relError(t.dataSync(), ref[l]!)).toBeLessThan(tol))
      tf.dispose([x, ...taps])
      m.dispose()
    })

    it('projector head (Linear-ReLU-Linear) on top of the backbone: features and projection', () => {
      const backbone = createMlpEncoder({ inputDim: 5, hiddenWidths: [20, 20], seed: 8 })
      const model = withProjector(backbone, { hiddenDim: 12, outputDim: 6, seed: 9 })
      const { x32, x64 } = inputs(batch, 5, 3)
      const w = model.getWeights()
      const feats = referenceForward(w, 'backbone/', 3, x64, batch, leaky)[2]!
      const proj = referenceForward(w, 'projector/', 2, feats, batch, (v) => Math.max(v, 0))[1]!
      const x = tf.tensor2d(x32, [batch, 5])
      const { features, projection } = model.applyBoth(x)
      expect(relError(features.dataSync(), feats)).toBeLessThan(tol)
      expect(relError(projection.dataSync(), proj)).toBeLessThan(tol)
      tf.dispose([x, features, projection])
      model.dispose()
    })

    it('apply, applyWithTaps and a gradient step leak nothing on this backend', () => {
      const x = tf.tensor2d(inputs(batch, 10, 4).x32, [batch, 10])
      expect(countLeakedTensors(() => enc.apply(x))).toBe(0)
      expect(countLeakedTensors(() => enc.applyWithTaps(x))).toBe(0)
      expect(countLeakedTensors(() => {
        const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(enc.apply(x))) as tf.Scalar, enc.trainableVariables)
        return [value, ...Object.values(grads)]
      })).toBe(0)
      x.dispose()
    })

    it('the seeded init gives the same weights as on the other backend (backend-independent)', () => {
      const m = createMlpEncoder({ inputDim: 2, hiddenWidths: [3], seed: 77 })
      const w = m.getWeights()
      m.dispose()
      expect(w['dense_0/kernel']!.values.map((v) => Math.round(v * 1e9))).toEqual(EXPECTED_SEED77_KERNEL)
    })
  })
}

/**
 * dense_0/kernel of createMlpEncoder({ inputDim: 2, hiddenWidths: [3], seed: 77 }), ×1e9 rounded. Pinned: changes only
 * if the init (draw order, forks) or createRng's stream changes — that would change every published seed's weights.
 */
const EXPECTED_SEED77_KERNEL = [231949270, -160578698, 515379369, -615403473, 185622469, -620625257]
