import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isClError } from '@cl/core'
import { describe, expect, it } from 'vitest'
import { runExperiment, type DgpFactory, type DgpFactoryOptions } from './api.js'
import { loadUserDgp } from './dgp/load-user-dgp.js'

const EXAMPLE_DGP = fileURLToPath(new URL('../../../examples/custom-dgp/dgp.mjs', import.meta.url))
const tmp = () => mkdtempSync(path.join(tmpdir(), 'cl-api-'))
/** Fig. 1 (middle) at toy scale: a few steps of a one-hidden-layer encoder, just enough to write every artefact. */
const TINY = ['train.steps=5', 'train.batchSize=32', 'evalSamples=64', 'encoder.hiddenWidths=[16]', 'generator.thresholdDraws=10']
const quiet = () => {}

describe('runExperiment (the API behind cl-reproduce run)', () => {
  it('is what the package exports', async () => {
    const pkg = (await import('@cl/reproduce')) as typeof import('./api.js')
    expect(pkg.runExperiment).toBe(runExperiment)
  })

  it('runs fig1-r2-box on the example DGP module (a file path) and names it in result.json and report.md', async () => {
    const out = path.join(tmp(), 'r2')
    const run = await runExperiment({ experiment: 'fig1-r2-box', dgp: EXAMPLE_DGP, set: TINY, backend: 'cpu', out, log: quiet })
    expect(run.dir).toBe(out)
    const sha256 = createHash('sha256').update(readFileSync(EXAMPLE_DGP)).digest('hex')
    expect(run.result.dgp).toEqual({ module: EXAMPLE_DGP, sha256 })
    expect(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')).dgp).toEqual({ module: EXAMPLE_DGP, sha256 })
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(`DGP: \`${EXAMPLE_DGP}\` (sha256 \`${sha256}\`)`)
    expect(run.result.config).toMatchObject({ train: { steps: 5, batchSize: 32 }, evalSamples: 64 })
    for (const f of run.result.figures) expect(existsSync(path.join(out, f.file))).toBe(true)
  })

  it('takes a factory function: recorded as inline:<name> without a hash; every call asks for the run’s box, d and d_c', async () => {
    const example = await loadUserDgp(EXAMPLE_DGP)
    const calls: DgpFactoryOptions[] = []
    const myDgp: DgpFactory = (options) => {
      calls.push(options)
      return example.factory(options)
    }
    const out = path.join(tmp(), 'inline')
    const run = await runExperiment({ experiment: 'fig1-r2-box', dgp: myDgp, overrides: { train: { steps: 3, batchSize: 16 }, evalSamples: 32, encoder: { hiddenWidths: [8] }, generator: { thresholdDraws: 10 } }, backend: 'cpu', out, log: quiet })
    expect(run.result.dgp).toEqual({ module: 'inline:myDgp', sha256: null })
    expect(run.result.config).toMatchObject({ train: { steps: 3, batchSize: 16 }, evalSamples: 32 })
    // The experiment builds its DGP from the context for every fig1-r2 variant (and preflight checks it first): the
    // d_c = 2 runs and the d_c = 0 control both ask the factory.
    expect(calls.length).toBeGreaterThanOrEqual(3)
    expect(new Set(calls.map((c) => c.contentDims))).toEqual(new Set([0, 2]))
    for (const c of calls) expect(c).toMatchObject({ space: 'box', dims: 10, contentDims: expect.toSatisfy((d: number) => d === 2 || d === 0) })
  })

  it('refuses an unknown experiment, preset or a bad dgp before anything is written', async () => {
    const out = path.join(tmp(), 'never')
    for (const bad of [
      { experiment: 'fig9' },
      { experiment: 'fig1-r2-box', preset: 'huge' as never },
      { experiment: 'fig1-r2-box', seed: -1 },
      { experiment: 'fig1-r2-box', dgp: 42 as never },
      { experiment: 'fig1-r2-box', dgp: path.join(tmp(), 'missing.mjs') },
      { experiment: 'fig1-r2-box', set: ['train.steps=0'] },
    ]) {
      const error = await runExperiment({ ...bad, out, log: quiet }).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isClError(error, 'CL_INVALID_CONFIG'), String(error)).toBe(true)
      expect(existsSync(out)).toBe(false)
    }
    await expect(runExperiment({ experiment: 'fig9', log: quiet })).rejects.toThrow(/invalid experiment: expected one of fig1-spectrum, table1, fig1-r2-box, fig1-r2-sphere, theory-dynamics, theory-dc-estimate, theory-tau-heuristic, theory-collapse-optimal, theory-batch-rank, table2, fig2, appendix-e, received "fig9"/)
  })
})
