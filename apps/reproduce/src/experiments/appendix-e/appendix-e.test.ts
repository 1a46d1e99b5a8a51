import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { useFastWasmKernels } from '@cl/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../cli.js'
import { EXIT_CODES } from '../../run/exit-codes.js'
import { resultSchema } from '../../run/result-schema.js'
import { TINY_IMAGE_OVERRIDES } from '../images/tiny.test-helper.js'
import type { AppendixESeedResult } from './index.js'

// wasm with @cl/core's conv gradient kernels: tfjs-cpu's Conv2DBackpropFilter takes seconds even at 8 px.
beforeAll(async () => {
  await tf.setBackend('wasm')
  useFastWasmKernels()
})

const run = async (out: string, extra: string[]) => {
  const err: string[] = []
  const code = await main(['run', 'appendix-e', '--backend', 'wasm', '--out', out, ...TINY_IMAGE_OVERRIDES, ...extra], { io: { out: () => {}, err: (l) => err.push(l) } })
  return { code, err }
}

describe('appendix-e', () => {
  it('runs end to end at tiny scale: claims, Fig. 4 weights, readouts on h and r', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cl-ae-')), 'run')
    const { code, err } = await run(out, ['--set', 'lossDims=12'])
    expect(code, err.join('\n')).toBe(0)
    const result = resultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')))
    expect(result.claims.map((c) => c.id)).toEqual(['outside-weights-vanish', 'eq28-tail-is-h', 'readout-h-beats-r'])
    const seed = (result.metrics as { perSeed: AppendixESeedResult[] }).perSeed[0]!
    expect(seed.channelAbsSums).toHaveLength(64)
    expect(seed.width).toBe(64)
    // zero-init residual γ of the channels outside the loss gets no gradient: r[:, d:] = h[:, d:] exactly (eq. 28)
    expect(seed.tailRelativeDifference).toBeLessThan(1e-6)
    expect(result.claims.find((c) => c.id === 'eq28-tail-is-h')!.holds).toBe(true)
    expect(readFileSync(path.join(out, 'appendix-e-weights.svg'), 'utf8')).toMatch(/^<svg/)
    expect(readFileSync(path.join(out, 'appendix-e-readout.svg'), 'utf8')).toMatch(/^<svg/)
  })

  it('refuses a backbone whose last block downsamples (no r = h + conv(h)) and d ≥ width, naming the field', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'cl-ae-bad-'))
    const a = await run(path.join(base, 'a'), ['--set', 'backbone.arch=resnet-small'])
    expect(a.code).toBe(EXIT_CODES.usage)
    expect(existsSync(path.join(base, 'a'))).toBe(false)
    expect(a.err.join('\n')).toMatch(/invalid config\.backbone\.arch: expected an architecture whose last block has an identity shortcut/)
    const b = await run(path.join(base, 'b'), ['--set', 'lossDims=64'])
    expect(b.code).toBe(EXIT_CODES.usage)
    expect(b.err.join('\n')).toMatch(/invalid config\.lossDims: expected an integer < the backbone width 64/)
  })
})
