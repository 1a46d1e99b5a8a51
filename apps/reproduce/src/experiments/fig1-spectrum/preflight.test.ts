import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../run/runner.js'
import type { ExperimentContext } from '../experiment.js'
import { linearFactory, sinhFactory, userDgp } from '../user-dgp.test-helper.js'
import { fig1Spectrum, grid, type Fig1SpectrumConfig, type SpectrumRun } from './index.js'
import { MemoryCheckpointStore } from '@cl/train'

describe('fig1-spectrum preflight', () => {
  const quick = fig1Spectrum.presets.quick
  it("names each space's batch size when it cannot fit", () => {
    const config = resolveConfig(fig1Spectrum, 'quick', { spaces: { sphere: { train: { batchSize: 10_000_000 } } } })
    expect(() => fig1Spectrum.preflight!(config, {})).toThrow(/^invalid config\.spaces\.sphere\.train\.batchSize: expected at most \d+/)
  })
  it('names a temperature that underflows float32', () => {
    expect(() => fig1Spectrum.preflight!({ ...quick, prop3: { ...quick.prop3, tauContent: 1e-39 } }, {})).toThrow(/^invalid config\.prop3\.tauContent: expected a temperature representable in float32.*received 1e-39$/)
  })
  it('needs a linear g: a user DGP with a nonlinear generator fails in one line before any run directory exists', () => {
    expect(() => fig1Spectrum.preflight!(quick, { userDgp: userDgp(sinhFactory, '/home/me/sinh-dgp.mjs') })).toThrow(
      /^fig1-spectrum needs a linear generator g with a weights matrix; \/home\/me\/sinh-dgp\.mjs provides 'sinh'$/,
    )
    expect(() => fig1Spectrum.preflight!(quick, { userDgp: userDgp(linearFactory) })).not.toThrow()
  })
  it("with a user DGP the Prop. 3 runs use the DGP's own content conditional: coinciding grid points are trained once", () => {
    const paper = grid(quick, 'sphere')
    const user = grid(quick, 'sphere', userDgp(linearFactory))
    expect(paper).toHaveLength(4 + 5)
    // d_c = 2 with τ_c = τ_s is already in the sweep; the δ control equals the τ_c run
    expect(user).toEqual([
      { dc: 0, sigmaC: 0, tauC: 1 },
      { dc: 1, sigmaC: 0, tauC: 1 },
      { dc: 2, sigmaC: 0, tauC: 1 },
      { dc: 4, sigmaC: 0, tauC: 1 },
      { dc: 2, sigmaC: 0, tauC: 0.01 },
      { dc: 2, sigmaC: 0, tauC: 0.01, unnormalized: true },
      { dc: 2, sigmaC: 0, tauC: 1, unnormalized: true, adaptive: true },
    ])
  })
  it('names the right field when a d_c of the sweep or of prop3 leaves the range', () => {
    expect(() => resolveConfig(fig1Spectrum, 'quick', { contentDims: [0, 2, 9] })).toThrow(/^invalid config\.contentDims\.2: expected every d_c < dims = 8/)
    expect(() => resolveConfig(fig1Spectrum, 'quick', { prop3: { contentDims: 8 } })).toThrow(/^invalid config\.prop3\.contentDims: expected d_c < dims = 8/)
  })
})

describe('fig1-spectrum on a user DGP', () => {
  it("reads W·A_g off the user's linear g and names the DGP", async () => {
    await tf.setBackend('cpu')
    const config = resolveConfig(fig1Spectrum, 'quick', { dims: 4, contentDims: [0, 2], spaces: { box: { train: { steps: 3, batchSize: 16 } }, sphere: { train: { steps: 3, batchSize: 16 } } } })
    const asked: unknown[] = []
    const context: ExperimentContext<Fig1SpectrumConfig> = {
      config,
      preset: 'quick',
      seeds: [2],
      backend: { backend: 'cpu', detail: 'test', forced: true, attempts: [] },
      runDir: mkdtempSync(path.join(tmpdir(), 'cl-f1-user-')),
      store: new MemoryCheckpointStore(),
      log: () => {},
      userDgp: userDgp((o) => {
        asked.push(o)
        return linearFactory(o)
      }),
      signal: new AbortController().signal,
    }
    const before = tf.memory().numTensors
    const out = await fig1Spectrum.run(context)
    expect(tf.memory().numTensors).toBe(before)
    const runs = out.metrics.runs as SpectrumRun[]
    // per space: the sweep (0, 2), the τ_c run and the adaptive-τ run; on the sphere also the τ_c run without the
    // ℓ2-normalisation (the adaptive run is without it there too)
    expect(runs.map((r) => [r.space, r.contentDims, r.contentSigma, r.adaptive === undefined ? r.tauContent : 'adaptive', r.normalized])).toEqual([
      ['box', 0, 0, 1, false],
      ['box', 2, 0, 1, false],
      ['box', 2, 0, 0.01, false],
      ['box', 2, 0, 'adaptive', false],
      ['sphere', 0, 0, 1, true],
      ['sphere', 2, 0, 1, true],
      ['sphere', 2, 0, 0.01, true],
      ['sphere', 2, 0, 0.01, false],
      ['sphere', 2, 0, 'adaptive', false],
    ])
    expect(asked).toHaveLength(9)
    expect(out.metrics.dgp).toEqual({ module: '/tmp/my-dgp.mjs', sha256: 'ab'.repeat(32) })
    expect(out.claims.map((c) => c.id)).toEqual(['box', 'sphere'].flatMap((s) => [`${s}-reference-flat`, `${s}-dc2-collapse`, `${s}-prop3-collapse-without-tau`, `${s}-prop3-tau-restores`, `${s}-adaptive-tau-restores`]))
    expect(out.claims[2]!.description).toMatch(/the DGP's own content conditional/)
    expect(out.reportMarkdown).toMatch(/^DGP: user module/)
  })
})
