import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { countLeakedTensors, createRng } from '@cl/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cosineInfoNce } from './cosine-infonce.js'
import { createLearnableTemperature } from './learnable-temperature.js'
import { lpInfoNce } from './lp-infonce.js'
import { ntXent } from './nt-xent.js'
import type { InfoNceTerms } from './terms.js'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})
afterAll(async () => {
  await tf.setBackend('cpu')
})

const N = 16
const D = 6
const Z = Float32Array.from(createRng(60).normalArray(N * D))
const ZP = Float32Array.from(createRng(61).normalArray(N * D))
const NEG = Float32Array.from(createRng(62).normalArray(5 * D))
const TAU = [0.3, 0.3, 1, 1, 1, 0.7]

type Loss = (f: tf.Tensor2D, fp: tf.Tensor2D) => InfoNceTerms

/** Every loss configuration that the package offers; built lazily so tensors belong to the active backend. */
function configurations(): [string, Loss, () => void][] {
  const negatives = tf.tensor2d(NEG, [5, D])
  const cleanup = () => negatives.dispose()
  const list: [string, Loss][] = [
    ['lp batch', (f, fp) => lpInfoNce(f, fp)],
    ['lp excl. self, vector τ', (f, fp) => lpInfoNce(f, fp, { negatives: 'batch-excluding-self', tau: TAU })],
    ['lp explicit negatives, p = 1.5', (f, fp) => lpInfoNce(f, fp, { negatives, p: 1.5, tau: 0.5 })],
    ['cosine batch, vector τ', (f, fp) => cosineInfoNce(f, fp, { tau: TAU })],
    ['cosine w/o norm, excl. self', (f, fp) => cosineInfoNce(f, fp, { normalize: false, negatives: 'batch-excluding-self', tau: 0.5 })],
    ['nt-xent', (f, fp) => ntXent(f, fp)],
    ['nt-xent w/o norm + diff. τ', (f, fp) => ntXent(f, fp, { normalize: false, tau: TAU })],
  ]
  return list.map(([name, loss]) => [name, loss, cleanup])
}

function evaluateAll(): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  const f = tf.tensor2d(Z, [N, D])
  const fp = tf.tensor2d(ZP, [N, D])
  const configs = configurations()
  for (const [name, loss] of configs) {
    const t = loss(f, fp)
    const [gf, gfp] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D).total)([f, fp])
    out[name] = [t.total, t.align, t.uniform, gf!, gfp!].flatMap((x) => Array.from(x.dataSync()))
    tf.dispose([t, gf!, gfp!])
  }
  configs[0]?.[2]()
  tf.dispose([f, fp])
  return out
}

function leakChecks() {
  const f = tf.tensor2d(Z, [N, D])
  const fp = tf.tensor2d(ZP, [N, D])
  const configs = configurations()
  for (const [name, loss] of configs) {
    expect(countLeakedTensors(() => loss(f, fp)), `${name}: forward`).toBe(0)
    expect(countLeakedTensors(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D).total)([f, fp])), `${name}: grads`).toBe(0)
    // optimizer step: a linear encoder W and a learnable τ trained with Adam
    const w = tf.variable(tf.eye(D))
    const opt = tf.train.adam(1e-2)
    const step = () => opt.minimize(() => loss(tf.matMul(f, w), tf.matMul(fp, w)).total, true, [w])
    tf.dispose(step() ?? []) // the first step creates Adam's slot variables (not a leak)
    expect(countLeakedTensors(() => step() ?? undefined), `${name}: adam step`).toBe(0)
    expect(countLeakedTensors(() => step() ?? undefined), `${name}: adam step`).toBe(0)
    opt.dispose()
    w.dispose()
  }
  const temp = createLearnableTemperature(D, TAU)
  const opt = tf.train.adam(1e-2)
  const step = () => opt.minimize(() => cosineInfoNce(f, fp, { tau: temp.tau() }).total, true, [temp.variable])
  tf.dispose(step() ?? [])
  expect(countLeakedTensors(() => step() ?? undefined), 'learnable τ: adam step').toBe(0)
  opt.dispose()
  temp.dispose()
  configs[0]?.[2]()
  tf.dispose([f, fp])
}

describe('leak-free forward, gradient and optimizer step', () => {
  it('cpu', () => {
    expect(tf.getBackend()).toBe('cpu')
    leakChecks()
  })
})

describe('cpu and wasm agree', () => {
  it('values and gradients within 1e-4, leak-free on wasm', async () => {
    await tf.setBackend('cpu')
    const cpu = evaluateAll()
    expect(await tf.setBackend('wasm')).toBe(true)
    const wasm = evaluateAll()
    for (const name of Object.keys(cpu)) {
      const a = cpu[name]!
      const b = wasm[name]!
      expect(b.length).toBe(a.length)
      a.forEach((v, i) => expect(Math.abs(v - b[i]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(v))))
    }
    leakChecks()
    await tf.setBackend('cpu')
  })
})
