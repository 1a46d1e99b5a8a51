import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { useFastWasmKernels } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { resultSchema } from '../../run/result-schema.js'
import { TINY_IMAGE_OVERRIDES } from '../images/tiny.test-helper.js'
import { summarizeSpectrum } from './index.js'

// wasm with @cl/core's conv gradient kernels: tfjs-cpu's Conv2DBackpropFilter takes seconds even at 8 px.
beforeAll(async () => {
  await tf.setBackend('wasm')
  useFastWasmKernels()
})

describe('fig2', () => {
  it('runs end to end at tiny scale: result.json with both claims, spectra and the figure', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-f2-')), 'run')
    const err: string[] = []
    const code = await main(['run', 'fig2', '--backend', 'wasm', '--out', out, ...TINY_IMAGE_OVERRIDES, '--set', 'projector.outputDim=4'], { io: { out: () => {}, err: (l) => err.push(l) } })
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(['wo-norm-less-collapsed-after', 'regular-after-more-collapsed'])
    const perSeed = (result.metrics as { perSeed: { regular: { after: { normalized: number[]; width: number }; before: { width: number } }[] } }).perSeed
    expect(perSeed.regular[0]!.after.width).toBe(4)
    expect(perSeed.regular[0]!.before.width).toBe(64)
    expect(perSeed.regular[0]!.after.normalized.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
    expect(readFileSync(path.join(out, 'fig2-spectrum.svg'), 'utf8')).toMatch(/^<svg/)
  })
})

describe('fig2 spectrum measures', () => {
  it('isotropic features have effective rank ≈ width, rank-1 features 1, against the closed form', () => {
    // 4 samples of ±e_k in 2 dims: covariance diag(a, b) ∝ variances of the columns
    const iso = { data: Float32Array.from([1, 0, -1, 0, 0, 1, 0, -1]), shape: [4, 2] as [number, number] }
    const s = summarizeSpectrum(iso)
    expect(s.normalized).toEqual([0.5, 0.5])
    expect(s.effectiveRank).toBeCloseTo(2, 12)
    expect(s.effectiveRankFraction).toBeCloseTo(1, 12)
    const line = { data: Float32Array.from([1, 2, 2, 4, -1, -2, 0, 0]), shape: [4, 2] as [number, number] }
    const l = summarizeSpectrum(line)
    expect(l.effectiveRank).toBeCloseTo(1, 6)
    expect(l.belowMilli).toBe(1)
    // unequal variances 4:1 → p = (0.8, 0.2), erank = exp(−0.8 ln 0.8 − 0.2 ln 0.2)
    const aniso = { data: Float32Array.from([2, 0, -2, 0, 0, 1, 0, -1]), shape: [4, 2] as [number, number] }
    expect(summarizeSpectrum(aniso).effectiveRank).toBeCloseTo(Math.exp(-0.8 * Math.log(0.8) - 0.2 * Math.log(0.2)), 10)
  })
})
